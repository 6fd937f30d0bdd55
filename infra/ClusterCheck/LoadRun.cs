using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Evaluation.Measure;

namespace HyperdOrleans.ClusterCheck;

/// <summary>
/// <c>ClusterCheck load</c>: the load a fault is injected under. Searcher loops ask the index for the top 10 of clustered
/// queries back to back; one appender sends a batch of fresh ids every interval and journals each call's outcome. No call
/// is retried, so every failure is counted. With <c>--data</c> (the file the index was built from) each answer's recall@10
/// is scored against an exact scan of that file, tie-aware: an appended row (random, far from the clustered queries) that
/// beats the exact 10th counts as a hit.
/// </summary>
internal static class LoadRun
{
    private const double WarmUpSeconds = 3;
    private const double AfterWindowSeconds = 60;
    private const int K = 10;

    /// <summary>Queries with an exact answer when <c>--data</c> is given: a few seconds of exact scan at 100k rows.</summary>
    private const int ScoredQueries = 200;

    public static async Task<int> RunAsync(string[] args, HyperdClient hyperd)
    {
        string name = Args.String(args, "--name", "chaos");
        var length = TimeSpan.FromSeconds(Args.Int(args, "--seconds", 40));
        string journal = Args.String(args, "--journal", "load.jsonl");
        int searchers = Args.Int(args, "--searchers", 4);
        var every = TimeSpan.FromMilliseconds(Args.Int(args, "--every-ms", 200));
        int batch = Args.Int(args, "--batch", 100);
        long idBase = Args.Int(args, "--id-base", 50_000_000);
        // When the fault is injected (seconds after the start): search p99 is also reported before it and in the 60 s after it.
        int? faultAt = Args.String(args, "--fault-at", "") is { Length: > 0 } ? Args.Int(args, "--fault-at", 0) : null;

        int dimensions = (await hyperd.StatusAsync(name)).Dimensions;
        string data = Args.String(args, "--data", "");
        int queryCount = data.Length > 0 ? ScoredQueries : 1000;
        var queries = new float[queryCount * dimensions];
        new SyntheticData(SyntheticKind.Clustered, dimensions, seed: 1, SyntheticData.Stream.Queries).Fill(queries);
        Neighbor[][]? exact = data.Length > 0 ? ExactSearch.Search(VectorFile.Open(data), queries, K).Neighbors : null;
        // Each scored answer's start (seconds since the run started) with its recall@10.
        var recalls = new ConcurrentBag<(double AtSeconds, double Recall)>();
        using var stop = new CancellationTokenSource(length);
        // Each search's start (seconds since the run started) with its latency, for the windows around the fault.
        var searches = new ConcurrentBag<(double AtSeconds, double Ms)>();
        var errors = new ConcurrentDictionary<string, int>();
        long failedSearches = 0;
        var run = Stopwatch.StartNew();
        // chaos.sh counts --fault-at from launching this process; the run's clock starts after connecting, seconds later.
        using var self = Process.GetCurrentProcess();
        double startup = (DateTime.Now - self.StartTime).TotalSeconds;

        async Task SearchLoop(int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                int q = random.Next(queryCount);
                float[] query = queries.AsSpan(q * dimensions, dimensions).ToArray();
                double at = run.Elapsed.TotalSeconds;
                var clock = Stopwatch.StartNew();
                try
                {
                    QueryResult answer = await hyperd.SearchAsync(name, query, K);
                    if (exact is not null)
                    {
                        Neighbor[] found = [.. answer.Ids.Zip(answer.Scores, (id, score) => new Neighbor(id, score))];
                        recalls.Add((at, Recall.AtK([found], [exact[q]], K)));
                    }
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failedSearches);
                    errors.AddOrUpdate($"search: {e.GetType().Name}", 1, (_, n) => n + 1);
                }

                searches.Add((at, clock.Elapsed.TotalMilliseconds));
            }
        }

        var calls = new List<AppendCall>();
        async Task AppendLoop()
        {
            await using var writer = new StreamWriter(journal, append: false);
            for (long call = 0; !stop.IsCancellationRequested; call++)
            {
                long first = idBase + call * batch;
                long[] ids = [.. Enumerable.Range(0, batch).Select(i => first + i)];
                float[] vectors = [.. ids.SelectMany(id => IdVectors.For(id, dimensions))];
                var clock = Stopwatch.StartNew();
                string? error = null;
                try
                {
                    await hyperd.AppendAsync(name, ids, vectors);
                }
                catch (Exception e)
                {
                    error = $"{e.GetType().Name}: {e.Message}";
                    errors.AddOrUpdate($"append: {e.GetType().Name}", 1, (_, n) => n + 1);
                }

                var record = new AppendCall(first, batch, error is null, clock.Elapsed.TotalMilliseconds, run.Elapsed.TotalSeconds, error);
                calls.Add(record);
                await writer.WriteLineAsync(LoadJournal.Line(record));
                await writer.FlushAsync();
                TimeSpan wait = every - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait).ConfigureAwait(false);
                }
            }
        }

        await Task.WhenAll([.. Enumerable.Range(0, searchers).Select(s => Task.Run(() => SearchLoop(s))), Task.Run(AppendLoop)]);

        LatencyStats search = LatencyStats.Of(searches.Select(s => s.Ms));
        LatencyStats append = LatencyStats.Of(calls.Select(c => c.Ms));
        double before = 0, after = 0, afterSeconds = 0, recallBefore = 0, recallAfter = 0;
        if (faultAt is int at)
        {
            double fault = at - startup;
            // The first seconds warm connections and caches: they would inflate "before" and hide the fault's effect.
            bool Before(double s) => s >= WarmUpSeconds && s < fault;
            bool After(double s) => s >= fault && s < fault + AfterWindowSeconds;
            before = P99(searches.Where(s => Before(s.AtSeconds)));
            // No search starts once the load's length is up (an append still in flight may run on): the window ends there.
            afterSeconds = Math.Clamp(length.TotalSeconds - fault, 0, AfterWindowSeconds);
            after = P99(searches.Where(s => After(s.AtSeconds)));
            recallBefore = recalls.Where(r => Before(r.AtSeconds)).Select(r => r.Recall).DefaultIfEmpty(0).Average();
            recallAfter = recalls.Where(r => After(r.AtSeconds)).Select(r => r.Recall).DefaultIfEmpty(0).Average();
        }

        var summary = new LoadSummary(
            searches.Count,
            failedSearches,
            search.P50,
            search.P99,
            searches.Select(s => s.Ms).DefaultIfEmpty(0).Max(),
            calls.Count,
            calls.Count(c => !c.Ok),
            append.P50,
            calls.Select(c => c.Ms).DefaultIfEmpty(0).Max(),
            [.. errors.Select(e => $"{e.Key} ×{e.Value}")],
            before,
            after,
            afterSeconds,
            recallBefore,
            recallAfter);
        Console.WriteLine(JsonSerializer.Serialize(summary));
        return 0;
    }

    /// <summary>The nearest-rank p99 of a window's searches; 0 for an empty window (JSON has no NaN).</summary>
    private static double P99(IEnumerable<(double AtSeconds, double Ms)> window) =>
        LatencyStats.Of(window.Select(s => s.Ms)) is { Count: > 0 } stats ? stats.P99 : 0;
}
