using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using HyperdOrleans.Client;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Evaluation.Measure;

namespace HyperdOrleans.ClusterCheck;

/// <summary>
/// <c>ClusterCheck load</c>: the load a fault is injected under. Searcher loops ask the index for the top 10 of clustered
/// queries back to back; one appender sends a batch of fresh ids every interval and journals each call's outcome. No call
/// is retried, so every failure is counted.
/// </summary>
internal static class LoadRun
{
    public static async Task<int> RunAsync(string[] args, HyperdClient hyperd)
    {
        string name = Args.String(args, "--name", "chaos");
        var length = TimeSpan.FromSeconds(Args.Int(args, "--seconds", 40));
        string journal = Args.String(args, "--journal", "load.jsonl");
        int searchers = Args.Int(args, "--searchers", 4);
        var every = TimeSpan.FromMilliseconds(Args.Int(args, "--every-ms", 200));
        int batch = Args.Int(args, "--batch", 100);
        long idBase = Args.Int(args, "--id-base", 50_000_000);

        int dimensions = (await hyperd.StatusAsync(name)).Dimensions;
        var queries = new float[1000 * dimensions];
        new SyntheticData(SyntheticKind.Clustered, dimensions, seed: 1, SyntheticData.Stream.Queries).Fill(queries);
        using var stop = new CancellationTokenSource(length);
        var searchLatencies = new ConcurrentBag<double>();
        var errors = new ConcurrentDictionary<string, int>();
        long failedSearches = 0;

        async Task SearchLoop(int seed)
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                float[] query = queries.AsSpan(random.Next(1000) * dimensions, dimensions).ToArray();
                var clock = Stopwatch.StartNew();
                try
                {
                    await hyperd.SearchAsync(name, query, 10);
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failedSearches);
                    errors.AddOrUpdate($"search: {e.GetType().Name}", 1, (_, n) => n + 1);
                }

                searchLatencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        var calls = new List<AppendCall>();
        var run = Stopwatch.StartNew();
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

        LatencyStats search = LatencyStats.Of(searchLatencies);
        LatencyStats append = LatencyStats.Of(calls.Select(c => c.Ms));
        var summary = new LoadSummary(
            searchLatencies.Count,
            failedSearches,
            search.P50,
            search.P99,
            searchLatencies.DefaultIfEmpty(0).Max(),
            calls.Count,
            calls.Count(c => !c.Ok),
            append.P50,
            calls.Select(c => c.Ms).DefaultIfEmpty(0).Max(),
            [.. errors.Select(e => $"{e.Key} ×{e.Value}")]);
        Console.WriteLine(JsonSerializer.Serialize(summary));
        return 0;
    }
}
