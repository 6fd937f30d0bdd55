using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HyperdOrleans.Bench.Report;

/// <summary>Writes report.md, results.json and the charts of a run into one folder.</summary>
public static class ReportWriter
{
    public const string ReportFile = "report.md";
    public const string ResultsFile = "results.json";

    public static void Write(BenchResults run, string folder)
    {
        Directory.CreateDirectory(folder);
        bool cpu = run.Clock == "cpu";
        Func<SearchPoint, double> speed = cpu ? p => p.QueriesPerCpuSecond : p => p.QueriesPerSecond;
        string speedLabel = cpu ? "queries per CPU-second" : "queries/s";
        var charts = new List<(string Title, string File)>();
        foreach (DatasetResult data in run.Datasets.Where(d => d.Points.Count > 0))
        {
            string file = $"recall-qps-{data.Name}.png";
            Charts.RecallVersusSpeed(
                Path.Combine(folder, file),
                $"{data.Name}: recall@10 vs {speedLabel} (N = {Count(data.Count)}, {run.Threads} threads)",
                data.Points,
                speed,
                speedLabel);
            charts.Add(($"{data.Name}: recall@10 against {speedLabel}", file));
        }

        List<BuildResult> builds = [.. run.Datasets.SelectMany(d => d.Builds).Where(b => b.Threads == run.Threads)];
        if (builds.Count > 0)
        {
            Charts.BuildVersusN(
                Path.Combine(folder, "build-time-vs-n.png"),
                cpu ? $"Build CPU time against N ({run.Threads} threads)" : $"Build wall time against N ({run.Threads} threads)",
                cpu ? "CPU seconds" : "seconds",
                builds,
                cpu ? b => b.CpuSeconds : b => b.Seconds);
            long[] sizes = [.. builds.Select(b => b.Count).Distinct().Order()];
            var raw = (
                "raw float32 vectors",
                sizes.Select(n => (double)n).ToArray(),
                sizes.Select(n => builds.First(b => b.Count == n).RawBytes / 1e6).ToArray());
            Charts.BuildVersusN(
                Path.Combine(folder, "build-memory-vs-n.png"),
                "Peak build memory (RssAnon) against N",
                "MB",
                builds,
                b => b.PeakRssAnonBytes / 1e6,
                [raw]);
            charts.Add((cpu ? "Build CPU time against N" : "Build wall time against N", "build-time-vs-n.png"));
            charts.Add(("Peak build memory (RssAnon) against N", "build-memory-vs-n.png"));
        }

        File.WriteAllText(Path.Combine(folder, ReportFile), Markdown(run, charts, speed, speedLabel));
        File.WriteAllText(Path.Combine(folder, ResultsFile), JsonSerializer.Serialize(run, JsonOptions));
    }

    /// <summary>Reads a run back from its results.json (to re-render a report without measuring again).</summary>
    public static BenchResults Read(string resultsPath) =>
        JsonSerializer.Deserialize<BenchResults>(File.ReadAllText(resultsPath), JsonOptions)
            ?? throw new InvalidDataException($"'{resultsPath}' holds no results.");

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PreferredObjectCreationHandling = System.Text.Json.Serialization.JsonObjectCreationHandling.Populate,
    };

    private static string Markdown(BenchResults run, List<(string Title, string File)> charts, Func<SearchPoint, double> speed, string speedLabel)
    {
        var md = new StringBuilder();
        MachineInfo m = run.Machine;
        md.AppendLine($"# HyperdOrleans benchmark: {run.Suite} suite");
        md.AppendLine();
        if (run.Stages.Count > 1)
        {
            md.AppendLine($"- **Commands**: measured in {run.Stages.Count} runs merged with `--append`; each data set's figures come from the run "
                + $"that measured its method:");
            foreach (RunStage stage in run.Stages)
            {
                md.AppendLine($"  - `{stage.CommandLine}` — commit `{stage.Commit}`, started {stage.StartedUtc:yyyy-MM-dd HH:mm} UTC, "
                    + $"{stage.Seconds / 60:F1} min; load {stage.LoadAverage}; measured {stage.Methods} on {stage.Datasets}");
            }
        }

        md.AppendLine($"- **{(run.Stages.Count > 1 ? "Last command" : "Command")}**: `{run.CommandLine}`");
        md.AppendLine($"- **Commit**: `{run.Commit}`");
        md.AppendLine($"- **Machine**: {m.CpuModel}, {m.Cores} cores, {m.MemoryBytes / 1e9:F1} GB memory; {m.Os}; {m.Runtime}; SIMD {m.Simd}");
        md.AppendLine($"- **Run**: started {run.StartedUtc:yyyy-MM-dd HH:mm} UTC, {run.Seconds / 60:F1} min; every method on {run.Threads} "
            + $"thread(s)");
        md.AppendLine($"- **Load average** (1, 5, 15 min): {run.LoadAverage}. A load above the core count means other processes shared the cores "
            + $"and every timing is low by a similar factor.");
        md.AppendLine($"- **Data sets**: "
            + $"{string.Join("; ", run.Datasets.Select(d => $"{d.Name} (N = {d.Count:N0}, {d.Dimensions} dims, {d.Queries:N0} queries)"))}");
        md.AppendLine();
        md.AppendLine("How to read it: queries/s is a batched search of every query at k=10 on the run's threads; latency is one query");
        md.AppendLine("at a time on one thread (k=10); recall is tie-aware against the exact cosine top-100, computed once per data set and");
        md.AppendLine("cached. Each speed is measured twice: by the wall clock, and by the CPU time of the process (all its threads), which");
        md.AppendLine("leaves out the turns the scheduler gave to other processes: on a shared machine, queries per CPU-second is the");
        md.AppendLine($"comparable figure (with one thread and an idle machine the two agree). Charts and the best-setting table rank by "
            + $"**{speedLabel}**. Build memory: **RssAnon** is the process's own memory (heap, buffers), sampled every 25 ms; **VmHWM** is");
        md.AppendLine("its peak resident set, which also counts pages of memory-mapped and read files, so it overstates a build that maps");
        md.AppendLine("its output. The engine builds in the harness process: its RssAnon includes the harness's baseline (shown).");
        md.AppendLine();
        md.AppendLine("Methods, all on the same data, queries and threads:");
        md.AppendLine();
        md.AppendLine("- **engine**: LSH (3 hyperplanes along the data's top principal directions, median thresholds, 8 buckets) × IVF-Flat, "
            + "spherical k-means with up to 1000 clusters per bucket (a bucket of n rows in an index of N gets min(1000, n/100, 4√N·n/N): at most "
            + "FAISS's 4√N in all), 20 iterations, at most 64 training points per centroid; swept over lshProbes × nprobe.");
        md.AppendLine("- **engine-sq8**: the engine built with SQ8 storage (8-bit codes per dimension, range per bucket from a trimmed quantile): "
            + "the scan scores codes, the best k × 4 per probed bucket are re-scored exactly from the float32 rows; the same lshProbes × nprobe "
            + "grid.");
        md.AppendLine("- **engine-nolsh**: the same engine with the LSH level off: one bucket holding the same total clusters (min(8000, N/100, "
            + "4√N)), swept over nprobe.");
        md.AppendLine("- **engine-random-planes**: the engine with random hyperplanes (seeded Gaussian directions, mean direction projected out) "
            + "instead of principal ones; the same grid. Shows what choosing the planes from the data buys.");
        md.AppendLine("- **exact**: one query at a time (a `TensorPrimitives.Dot` scan per query, one thread) and batched (a blocked matrix "
            + "product: L2-sized base tiles × register blocks of 4 rows and 32 queries, on the run's threads).");
        md.AppendLine("- **usearch**: HNSW from the `Cloud.Unum.USearch` NuGet package, cosine over float32, M = 16, ef_construction = 128, swept "
            + "over ef (expansion_search). In memory.");
        md.AppendLine("- **faiss**: `IndexIVFFlat` from Debian's python3-faiss over inner product on normalised rows, nlist = the engine's total "
            + "clusters, spherical k-means with the engine's iterations, points per centroid and seed; swept over nprobe. In memory.");
        md.AppendLine();
        foreach (string note in run.Notes)
        {
            md.AppendLine($"> {note}");
            md.AppendLine();
        }

        foreach ((string title, string file) in charts.Where(c => c.File.StartsWith("build", StringComparison.Ordinal)))
        {
            md.AppendLine($"![{title}]({file})");
            md.AppendLine();
        }

        foreach (DatasetResult data in run.Datasets)
        {
            AppendDataset(md, data, charts, speed, speedLabel);
        }

        return md.ToString();
    }

    private static void AppendDataset(
        StringBuilder md,
        DatasetResult data,
        List<(string Title, string File)> charts,
        Func<SearchPoint, double> speed,
        string speedLabel)
    {
        md.AppendLine($"## {data.Name}: N = {data.Count:N0}");
        md.AppendLine();
        md.AppendLine($"{data.Description}. {data.Dimensions} dimensions, {data.Queries:N0} held-out queries, ground truth exact "
            + $"top-{data.GroundTruthK}.");
        if (data.ExactScanGBps > 0)
        {
            md.AppendLine($"Single-thread exact scan (one query, `TensorPrimitives.Dot` per row over the mapped unit base, lines requested 2 KB "
                + $"ahead as the engine does, median CPU time): **{data.ExactScanGBps:F1} GB/s**.");
        }

        md.AppendLine();
        foreach (string note in data.Notes)
        {
            md.AppendLine($"> {note}");
            md.AppendLine();
        }

        foreach ((string title, string file) in charts.Where(c => c.File == $"recall-qps-{data.Name}.png"))
        {
            md.AppendLine($"![{title}]({file})");
            md.AppendLine();
        }

        if (data.Builds.Count > 0)
        {
            md.AppendLine("### Build");
            md.AppendLine();
            md.AppendLine("| method | N | threads | clusters | wall s | CPU s | peak RssAnon MB (baseline) | peak VmHWM MB | index on disk MB | in "
                + "memory MB | raw MB | note |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (BuildResult b in data.Builds)
            {
                md.AppendLine($"| {b.Method} | {b.Count:N0} | {b.Threads} | "
                    + $"{(b.Clusters > 0 ? b.Clusters.ToString("N0", CultureInfo.InvariantCulture) : "")} | {b.Seconds:F1} | "
                    + $"{Num(b.CpuSeconds, "F1")} | {Mb(b.PeakRssAnonBytes)} ({Mb(b.BaselineRssAnonBytes)}) | {Mb(b.PeakHwmBytes)} | "
                    + $"{(b.IndexBytes > 0 ? $"{Mb(b.IndexBytes)} ({(double)b.IndexBytes / b.RawBytes:F2}x raw)" : "")} | "
                    + $"{(b.MemoryBytes > 0 ? $"{Mb(b.MemoryBytes)} ({(double)b.MemoryBytes / b.RawBytes:F2}x raw)" : "")} | {Mb(b.RawBytes)} | "
                    + $"{b.Note} |");
            }

            md.AppendLine();
        }

        if (data.SearchMemory.Count > 0)
        {
            md.AppendLine("Search memory, the process's own memory (RssAnon) over a baseline taken, like the held figure, after a full compacting "
                + "collection before the index was opened: "
                + "**held** is what it keeps with the index open once the sweep's garbage is collected (centroids, manifests, pooled scratch: what "
                + "a serving process keeps); "
                + "**peak** is the most seen while the method answered its whole sweep (the held memory plus each batch's answers, plans and "
                + "scratch, the garbage the GC lets pile up "
                + "between collections, and the harness's own answer arrays: up to 100 neighbours of every query, kept for recall). **Mapped pages "
                + "resident** are the index pages "
                + "resident through the mapping (RssFile, which the kernel can drop and re-read: it counts every mapped file of the process, the "
                + "data set's included).");
            md.AppendLine();
            md.AppendLine("The last column bounds what a serving process keeps resident: its held memory plus every byte of the index files (all "
                + "pages mapped), against the raw float32 vectors "
                + "(rows measured before the held figure existed use the peak, marked).");
            md.AppendLine();
            md.AppendLine("| method | held with the index open MB | peak while answering MB | baseline MB | mapped pages resident MB | index on "
                + "disk MB | (held + index) / raw |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (SearchMemoryResult m in data.SearchMemory)
            {
                long? held = m.HeldOverBaselineBytes;
                string ratio = $"{m.ResidentOverRaw(data.RawBytes):F2}x" + (held is null ? " (peak)" : "");
                md.AppendLine($"| {m.Method} | {(held is long kept ? (kept / 1e6).ToString("N1", CultureInfo.InvariantCulture) : "—")} | "
                    + $"{Mb(m.PeakOverBaselineBytes)} | {Mb(m.BaselineRssAnonBytes)} | {Mb(m.RssFileBytes)} | {Mb(m.IndexBytes)} | {ratio} |");
            }

            md.AppendLine();
        }

        double exactBatched = data.Points.Where(p => p.Method.StartsWith("exact (batched", StringComparison.Ordinal)).Select(speed)
            .DefaultIfEmpty(double.NaN).First();
        if (data.Points.Count > 0)
        {
            md.AppendLine("### Best speed at a recall target");
            md.AppendLine();
            md.AppendLine($"The fastest setting of each method ({speedLabel}) that reaches the target recall@10 (— : none reached it), and its "
                + $"speed-up over batched exact search.");
            md.AppendLine();
            double[] targets = [0.5, 0.8, 0.9, 0.95, 0.99];
            md.AppendLine($"| method | {string.Join(" | ", targets.Select(t => $"recall@10 ≥ {t}"))} |");
            md.AppendLine($"|---|{string.Concat(targets.Select(_ => "---|"))}");
            foreach (string method in data.Points.Select(p => p.Method).Distinct())
            {
                var cells = targets.Select(t =>
                {
                    SearchPoint? best = data.Points.Where(p => p.Method == method && p.RecallAt10 >= t).MaxBy(speed);
                    return best is null ? "—" : $"{speed(best):N0} ({best.Setting}; {best.RecallAt10:F3}{Speedup(speed(best), exactBatched)})";
                });
                md.AppendLine($"| {method} | {string.Join(" | ", cells)} |");
            }

            md.AppendLine();
            Verdicts.Append(md, data, speed, speedLabel);
            md.AppendLine("### Every setting");
            md.AppendLine();
            md.AppendLine("| method | setting | recall@10 | recall@100 | q/s (k=10) | q/s (k=100) | q per CPU-s (k=10) | p50 ms | p99 ms | CPU p50 "
                + "ms | CPU p99 ms | vs batched exact |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (SearchPoint p in data.Points)
            {
                md.AppendLine($"| {p.Method} | {p.Setting} | {p.RecallAt10:F4} | {Num(p.RecallAt100, "F4")} | {p.QueriesPerSecond:N1} | "
                    + $"{Num(p.QueriesPerSecondAt100, "N1")} | {Num(p.QueriesPerCpuSecond, "N1")} | {Num(p.LatencyP50Ms, "F3")} | "
                    + $"{Num(p.LatencyP99Ms, "F3")} | {Num(p.CpuP50Ms, "F3")} | {Num(p.CpuP99Ms, "F3")} | "
                    + $"{(double.IsNaN(exactBatched) ? "" : $"{speed(p) / exactBatched:F1}x")} |");
            }

            md.AppendLine();
            AppendGrid(md, data, "recall@10", p => p.RecallAt10.ToString("F3", CultureInfo.InvariantCulture));
            AppendGrid(md, data, $"{speedLabel} (k=10)", p => speed(p).ToString("N0", CultureInfo.InvariantCulture));
            CompactStorageTable.Append(md, data, speed, speedLabel);
            ScanBandwidthTable.Append(md, data);
        }

        FirstCallTable.Append(md, data);
        if (data.CourseScores.Count > 0)
        {
            md.AppendLine("### Course score");
            md.AppendLine();
            md.AppendLine("Averaged over queries, 0 is best: for each returned id whose 0-based position in the exact ranking of all N vectors "
                + "exceeds 3k, that position is subtracted (k = 10).");
            md.AppendLine();
            md.AppendLine("| method | lshProbes | nprobe | queries | course score | recall@10 |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (CourseScoreResult c in data.CourseScores)
            {
                md.AppendLine($"| {c.Method} | {c.LshProbes} | {c.NProbe} | {c.Queries:N0} | {c.Score:F2} | {c.RecallAt10:F4} |");
            }

            md.AppendLine();
        }

        if (data.Tunings.Count > 0)
        {
            md.AppendLine("### Tuned defaults");
            md.AppendLine();
            md.AppendLine("`hyperd tune`'s choice (the cheapest lshProbes/nprobe in dot products per query reaching the target recall@10 on rows of "
                + "the index held out as queries), checked on the data set's real queries.");
            md.AppendLine();
            md.AppendLine("| data set | target | tuned (lshProbes, nprobe) | recall@10 on the sample | recall@10 on the queries | dots/query | q/s "
                + "| tune s |");
            md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|");
            foreach (TuningSummary t in data.Tunings)
            {
                md.AppendLine($"| {data.Name} | {t.Target} | ({t.LshProbes}, {t.NProbe}){(t.Reached ? "" : " not reached")} | {t.SampleRecall:F4} "
                    + $"({t.Sample:N0} rows) | {t.QueryRecall:F4} | {t.DotsPerQuery:N0} | {t.QueriesPerSecond:N0} | {t.TuneSeconds:F1} |");
            }

            md.AppendLine();
        }
    }

    /// <summary>The engine's lshProbes × nprobe grid of one measure.</summary>
    private static void AppendGrid(StringBuilder md, DatasetResult data, string title, Func<SearchPoint, string> cell)
    {
        List<SearchPoint> engine = [.. data.Points.Where(p => p.Method == MethodNames.Engine)];
        if (engine.Count < 2)
        {
            return;
        }

        int[] probes = [.. engine.Select(p => p.NProbe).Distinct().Order()];
        md.AppendLine($"Engine {title}, lshProbes (rows) × nprobe (columns):");
        md.AppendLine();
        md.AppendLine($"| lshProbes | {string.Join(" | ", probes)} |");
        md.AppendLine($"|---:|{string.Concat(probes.Select(_ => "---:|"))}");
        foreach (int l in engine.Select(p => p.LshProbes).Distinct().Order())
        {
            IEnumerable<string> cells = probes.Select(n => engine.FirstOrDefault(p => p.LshProbes == l && p.NProbe == n) is SearchPoint p
                ? cell(p)
                : "");
            md.AppendLine($"| {l} | {string.Join(" | ", cells)} |");
        }

        md.AppendLine();
    }

    private static string Speedup(double speed, double exact) => double.IsNaN(exact) ? "" : $"; {speed / exact:F1}x exact";

    private static string Num(double value, string format) => double.IsNaN(value) ? "" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Mb(long bytes) => (bytes / 1e6).ToString("N0", CultureInfo.InvariantCulture);

    private static string Count(long n)
        => n >= 1_000_000 ? $"{n / 1e6:0.##}M" : n >= 1000 ? $"{n / 1e3:0.#}k" : n.ToString(CultureInfo.InvariantCulture);
}
