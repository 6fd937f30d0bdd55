using System.Globalization;
using System.Text;

namespace HyperdOrleans.Bench.Report;

/// <summary>
/// The "who wins" paragraph of a data set, written from the figures rather than by hand: for each column (speed at
/// a recall target, build time, build memory, size) it names the leader, and where a peer beats the engine it says
/// so plainly, with the reason that applies to that peer.
/// </summary>
public static class Verdicts
{
    private static readonly double[] Targets = [0.9, 0.95];

    public static void Append(StringBuilder md, DatasetResult data, Func<SearchPoint, double> speed, string speedLabel)
    {
        List<string> lines = [.. SpeedLines(data, speed, speedLabel), .. BuildLines(data)];
        if (lines.Count == 0)
        {
            return;
        }

        md.AppendLine("### Where each method wins");
        md.AppendLine();
        foreach (string line in lines)
        {
            md.AppendLine($"- {line}");
        }

        md.AppendLine();
    }

    private static bool Ours(string method) => method.StartsWith(MethodNames.Engine, StringComparison.Ordinal);

    private static IEnumerable<string> SpeedLines(DatasetResult data, Func<SearchPoint, double> speed, string speedLabel)
    {
        foreach (double target in Targets)
        {
            var best = data.Points
                .Where(p => p.RecallAt10 >= target && !double.IsNaN(speed(p)) && p.Method != "exact (one query at a time)")
                .GroupBy(p => p.Method)
                .Select(g => g.MaxBy(speed)!)
                .OrderByDescending(speed)
                .ToList();
            if (best.Count == 0)
            {
                continue;
            }

            string at = $"recall@10 ≥ {target.ToString("0.##", CultureInfo.InvariantCulture)}";
            SearchPoint? engine = best.FirstOrDefault(p => p.Method == MethodNames.Engine);
            if (engine is null)
            {
                yield return $"At {at} the engine (8 buckets) reaches no setting of the sweep; {Describe(best[0], speed, speedLabel)} leads.";
                continue;
            }

            foreach (SearchPoint variant in best.Where(p => Ours(p.Method) && p.Method != MethodNames.Engine && speed(p) > speed(engine)))
            {
                yield return $"At {at} our {variant.Method} ({Describe(variant, speed, speedLabel)}) beats the 8-bucket engine "
                    + $"({Describe(engine, speed, speedLabel)}). Why: {Why(variant.Method)}";
            }

            foreach (SearchPoint peer in best.Where(p => !Ours(p.Method) && speed(p) > speed(engine)))
            {
                SearchPoint? answer = best.FirstOrDefault(p => Ours(p.Method) && speed(p) > speed(peer));
                yield return $"At {at} **{peer.Method} beats the engine**: {Describe(peer, speed, speedLabel)} against "
                    + $"{Describe(engine, speed, speedLabel)} "
                    + $"({speed(peer) / speed(engine):F2}x). Why: {Why(peer.Method)}"
                    + (answer is null ? "" : $" (Our {answer.Method} does beat it: {Describe(answer, speed, speedLabel)}.)");
            }

            SearchPoint? runnerUp = best.FirstOrDefault(p => !Ours(p.Method));
            if (runnerUp is null || speed(engine) >= speed(runnerUp))
            {
                yield return $"At {at} the engine leads the peers: {Describe(engine, speed, speedLabel)}"
                    + (runnerUp is null ? "." : $", {speed(engine) / speed(runnerUp):F1}x the best peer ({Describe(runnerUp, speed, speedLabel)}).");
            }
        }
    }

    private static IEnumerable<string> BuildLines(DatasetResult data)
    {
        List<BuildResult> builds = [.. data.Builds.GroupBy(b => b.Method).Select(g => g.Last())];
        BuildResult? ours = builds.FirstOrDefault(b => b.Method == MethodNames.Engine);
        if (ours is null || builds.Count < 2)
        {
            yield break;
        }

        foreach (BuildResult peer in builds.Where(b => !Ours(b.Method)))
        {
            double time = peer.Seconds / ours.Seconds;
            long peerMemory = peer.MemoryBytes > 0 ? peer.MemoryBytes : peer.PeakRssAnonBytes - peer.BaselineRssAnonBytes;
            // The largest of the engine's builds: a build right after another starts from a baseline that still
            // holds the earlier build's heap, which would make its own growth look smaller than it is.
            long ourMemory = data.Builds.Where(b => b.Method == MethodNames.Engine).Max(b => b.PeakRssAnonBytes - b.BaselineRssAnonBytes);
            yield return $"Build against {peer.Method}: the engine builds in {ours.Seconds:F0} s against {peer.Seconds:F0} s "
                + (time >= 1 ? $"({time:F1}x faster)" : $"(**{peer.Method} is {1 / time:F1}x faster**)")
                + $"; it holds {ourMemory / 1e6:N0} MB of its own memory while building against {peerMemory / 1e6:N0} MB"
                + (peer.MemoryBytes > 0
                    ? $" ({peer.Method}'s index in memory: {(double)peer.MemoryBytes / peer.RawBytes:F2}x the raw vectors; {ServingMemory(data)})."
                        : ".");
        }
    }

    /// <summary>What the engine keeps resident to serve, from its settled search memory where it was measured.</summary>
    private static string ServingMemory(DatasetResult data)
    {
        SearchMemoryResult? engine = data.SearchMemory.LastOrDefault(m => m.Method == MethodNames.Engine && m.HeldRssAnonBytes is not null);
        if (engine is null)
        {
            return "the engine's search maps its files and holds only centroids";
        }

        return $"the engine's search maps its {engine.IndexBytes / 1e6:N0} MB of files and holds {engine.HeldOverBaselineBytes!.Value / 1e6:N1} MB "
            + $"of its own with the index open: "
            + $"{engine.ResidentOverRaw(data.RawBytes):F2}x the raw vectors with every index page resident";
    }

    private static string Describe(SearchPoint p, Func<SearchPoint, double> speed, string speedLabel) =>
        $"{p.Method} {speed(p).ToString("N0", CultureInfo.InvariantCulture)} {speedLabel} ({p.Setting}, recall "
            + $"{p.RecallAt10.ToString("F3", CultureInfo.InvariantCulture)})";

    private static string Why(string method) => method switch
    {
        MethodNames.EnginePerBucket
            => "both rules scan lshProbes × nprobe clusters; ranking the probed buckets' centroids together costs a selection over "
            + "all of them, which a setting needing few clusters may not earn back.",
        MethodNames.EngineNoLsh
            => "the LSH split costs recall here: a query's true neighbours fall into buckets it does not probe, or into clusters ranked low in a "
            + "neighbour bucket, so reaching the target takes more buckets and clusters; one bucket ranks all centroids at once.",
        MethodNames.EngineRandomPlanes
            => "at the same probes both variants scan about the same rows, so the planes move recall, not speed: compare their recall at the "
            + "same setting in the sweep table. A lead of a few tens of per cent at one setting is within this shared machine's noise; a setting "
            + "that "
            + "reaches the target with fewer probes is the planes' doing.",
        MethodNames.EngineSq8
            => "the scan reads 8-bit codes, a quarter of the float32 bytes; where the probed lists do not stay in cache the scan waits on memory, "
            + "and streaming fewer bytes wins even with the exact re-rank of the best candidates.",
        MethodNames.USearch
            => "HNSW walks a graph and scores only the few thousand vectors on its path (about ef × M), while IVF scans every vector of each probed "
                + "cluster; "
            + "where the data has no strong cluster structure (real embeddings, uniform data) reaching high recall needs many clusters, most of "
            + "whose vectors are far. "
            + "HNSW pays for it in build time and in holding the whole graph and vectors in memory (see the build rows).",
        MethodNames.Faiss
            => "FAISS scores the coarse centroids of a whole batch of queries as one BLAS matrix product and scans lists with its own C++ loops; "
            + "the engine ranks centroids and scans clusters in register blocks of at most 16 queries, which a large BLAS product can outrun.",
        _ when method.StartsWith(MethodNames.Exact, StringComparison.Ordinal)
            => "at this recall the probes cover so much of the data that one register-blocked matrix product over every row "
            + "(each row read once for 64 queries, no centroids to rank, one threshold test per row) costs less than ranking centroids and scanning "
            + "the "
            + "probed clusters, whose blocks hold only the few queries that probe each cluster.",
        _ => "see the tables above.",
    };
}
