using System.Text.Json;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;

namespace HyperdOrleans.ClusterCheck;

/// <summary>What <c>verify</c> found: acknowledged rows lost, and rows of failed calls that are visible.</summary>
internal sealed record VerifySummary(long AcknowledgedRows, long Lost, long FailedCallRows, long FailedCallRowsVisible, long[] LostSample);

/// <summary>
/// <c>ClusterCheck verify</c>: after a load run and its fault, every acknowledged id must be the top hit of its own vector
/// (asked at the index's defaults, then exhaustively on a miss), and no id of a failed call may be found at all. With
/// <c>--load</c> it prints the report row of infra/chaos.sh instead of its JSON (which goes to stderr).
/// </summary>
internal static class VerifyRun
{
    private const int Batch = 256;
    private static readonly SearchOptions Exhaustive = new(LshProbes: 8, NProbe: 1_000_000);

    public static async Task<int> RunAsync(string[] args, HyperdClient hyperd)
    {
        string name = Args.String(args, "--name", "chaos");
        IReadOnlyList<AppendCall> calls = LoadJournal.Read(Args.String(args, "--journal", "load.jsonl"));
        int dimensions = (await hyperd.StatusAsync(name)).Dimensions;
        long[] acknowledged = [.. calls.Where(c => c.Ok).SelectMany(Ids)];
        long[] failed = [.. calls.Where(c => !c.Ok).SelectMany(Ids)];

        var lost = new List<long>();
        foreach (long[] chunk in acknowledged.Chunk(Batch))
        {
            long[] missed = await NotTopAsync(hyperd, name, chunk, dimensions, null);
            lost.AddRange(missed.Length == 0 ? [] : await NotTopAsync(hyperd, name, missed, dimensions, Exhaustive));
        }

        long visible = 0;
        foreach (long[] chunk in failed.Chunk(Batch))
        {
            visible += chunk.Length - (await NotTopAsync(hyperd, name, chunk, dimensions, Exhaustive)).Length;
        }

        var summary = new VerifySummary(acknowledged.Length, lost.Count, failed.Length, visible, [.. lost.Take(10)]);
        string json = JsonSerializer.Serialize(summary);
        if (Args.String(args, "--load", "") is { Length: > 0 } loadFile)
        {
            // One row of infra/chaos.sh's report: the load's calls beside what survived them.
            LoadSummary load = JsonSerializer.Deserialize<LoadSummary>(File.ReadAllText(loadFile))!;
            Console.Error.WriteLine(json);
            Console.WriteLine(FormattableString.Invariant(
                $"| {Args.String(args, "--fault", "?")} | {load.SearchesFailed} of {load.Searches} | {load.SearchMaxMs / 1000:F1} s | ")
                + $"{P99Window(load)} | {RecallWindow(load)} | "
                + FormattableString.Invariant($"{load.AppendsFailed} of {load.Appends} | {load.AppendMaxMs / 1000:F1} s | ")
                + $"{lost.Count} of {acknowledged.Length} | {visible} of {failed.Length} | {Args.String(args, "--note", "")} |");
        }
        else
        {
            Console.WriteLine(json);
        }

        return lost.Count == 0 && visible == 0 ? 0 : 1;
    }

    /// <summary>Search p99 before the fault and in the window after it, with their ratio: "19 → 41 ms (2.2×, 60 s)".</summary>
    private static string P99Window(LoadSummary load) =>
        load.SearchP99BeforeMs > 0 && load.SearchP99AfterMs > 0
            ? FormattableString.Invariant($"{load.SearchP99BeforeMs:F0} → {load.SearchP99AfterMs:F0} ms ")
                + FormattableString.Invariant($"({load.SearchP99AfterMs / load.SearchP99BeforeMs:F1}×, {load.AfterWindowSeconds:F0} s)")
            : "n/a"; // No --fault-at, or a window without searches: no ratio to give.

    /// <summary>Mean recall@10 of the answers before the fault and in the window after it: "0.961 → 0.960".</summary>
    private static string RecallWindow(LoadSummary load) =>
        load.RecallBefore > 0 && load.RecallAfter > 0
            ? FormattableString.Invariant($"{load.RecallBefore:F3} → {load.RecallAfter:F3}")
            : "n/a"; // No --data or --fault-at: nothing scored.

    private static IEnumerable<long> Ids(AppendCall call) => Enumerable.Range(0, call.Count).Select(i => call.First + i);

    /// <summary>The ids that are not the top hit of their own vector.</summary>
    private static async Task<long[]> NotTopAsync(HyperdClient hyperd, string name, long[] ids, int dimensions, SearchOptions? options)
    {
        float[][] vectors = [.. ids.Select(id => IdVectors.For(id, dimensions))];
        QueryResult[] results;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                results = await hyperd.SearchAsync(name, vectors, 1, options);
                break;
            }
            catch (Exception e) when (attempt < 10 && e is InvalidOperationException or TimeoutException or OrleansException)
            {
                // A generation switch or a silo still settling after the fault: ask again.
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }

        return [.. ids.Where((id, i) => results[i].Count == 0 || results[i].Ids[0] != id)];
    }
}
