using System.Collections.Concurrent;
using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// A background appender for fault and scale tests: 10 fresh ids of random rows every 100 ms until stopped, keeping every
/// acknowledged row (to look for afterwards) and every failure (none is retried here beyond what the SDK does).
/// </summary>
public sealed class AppendLoad
{
    private readonly ConcurrentQueue<string> _failures = new();

    private AppendLoad(Task running) => Running = running;

    public ConcurrentBag<(long Id, float[] Row)> Acknowledged { get; } = [];

    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Ends when the token is cancelled.</summary>
    public Task Running { get; private set; }

    public static AppendLoad Start(HyperdClient client, string index, CancellationToken stop)
    {
        var load = new AppendLoad(Task.CompletedTask);
        load.Running = Task.Run(() => load.RunAsync(client, index, stop));
        return load;
    }

    /// <summary>Checks that every acknowledged row is the top hit of its own vector.</summary>
    public async Task AssertEveryAcknowledgedRowIsFoundAsync(HyperdClient client, string index, SearchOptions options)
    {
        Assert.NotEmpty(Acknowledged);
        foreach ((long id, float[] row) in Acknowledged)
        {
            QueryResult hit = await client.SearchAsync(index, row, 1, options);
            Assert.True(hit.Count == 1 && hit.Ids[0] == id, $"acknowledged row {id} not found");
        }
    }

    private async Task RunAsync(HyperdClient client, string index, CancellationToken stop)
    {
        var random = new Random(5);
        for (long next = 5_000_000; !stop.IsCancellationRequested; next += 10)
        {
            long[] ids = [.. Enumerable.Range(0, 10).Select(i => next + i)];
            float[][] rows = [.. ids.Select(_ => RandomRow(random))];
            try
            {
                await client.AppendAsync(index, ids, [.. rows.SelectMany(r => r)]);
                for (int i = 0; i < ids.Length; i++)
                {
                    Acknowledged.Add((ids[i], rows[i]));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _failures.Enqueue($"{e.GetType().Name}: {e.Message}");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    private static float[] RandomRow(Random random) =>
        [.. Enumerable.Range(0, TestData.Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1))];
}
