using System.Diagnostics;
using HyperdOrleans.Engine;

namespace HyperdOrleans.Evaluation.Measure;

/// <summary>Answers one batch of query rows (row-major).</summary>
public delegate Task<Neighbor[][]> BatchSearch(float[] rows);

/// <summary>What concurrent clients achieved: queries answered, wall time, and each request's latency.</summary>
public sealed record LoadResult(int Clients, int Queries, int Requests, double Seconds, double[] RequestSeconds)
{
    public double QueriesPerSecond => Queries / Seconds;
}

/// <summary>
/// Several clients, each sending batches of queries one after another (a request waits for its answer), as
/// users of a search service do. Each client runs on its own thread, so a synchronous search (the engine alone)
/// and an asynchronous one (the cluster) are driven the same way.
/// </summary>
public sealed class ConcurrentLoad
{
    private readonly float[][] _batches;
    private readonly int[] _firstRow;

    /// <summary>Cuts <paramref name="queries"/> into batches of <paramref name="batch"/> rows (the last one may be shorter).</summary>
    public ConcurrentLoad(float[] queries, int dimensions, int batch)
    {
        int count = queries.Length / dimensions;
        int batches = (count + batch - 1) / batch;
        _batches = new float[batches][];
        _firstRow = new int[batches];
        for (int b = 0; b < batches; b++)
        {
            _firstRow[b] = b * batch;
            int rows = Math.Min(batch, count - _firstRow[b]);
            _batches[b] = queries.AsSpan(_firstRow[b] * dimensions, rows * dimensions).ToArray();
        }

        Count = count;
    }

    /// <summary>Query rows in all.</summary>
    public int Count { get; }

    /// <summary>
    /// Every query once, in batches shared out among <paramref name="clients"/>; the answers in query order.
    /// Used for the answers that recall is measured on, and by <c>hyperd search --cluster</c>.
    /// </summary>
    public async Task<(Neighbor[][] Results, LoadResult Load)> AnswerAllAsync(int clients, BatchSearch search)
    {
        var results = new Neighbor[Count][];
        int next = -1;
        LoadResult load = await DriveAsync(clients, async (_, latencies) =>
        {
            int queries = 0;
            for (int b = Interlocked.Increment(ref next); b < _batches.Length; b = Interlocked.Increment(ref next))
            {
                long start = Stopwatch.GetTimestamp();
                Neighbor[][] answers = await search(_batches[b]);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                answers.CopyTo(results, _firstRow[b]);
                queries += answers.Length;
            }

            return queries;
        });
        return (results, load);
    }

    /// <summary>
    /// Each client cycles through the batches from its own starting point until <paramref name="duration"/> has
    /// passed; requests already sent finish and count.
    /// </summary>
    public Task<LoadResult> TimedAsync(int clients, TimeSpan duration, BatchSearch search)
    {
        var clock = Stopwatch.StartNew();
        return DriveAsync(clients, async (client, latencies) =>
        {
            int queries = 0;
            for (int b = client * _batches.Length / clients; clock.Elapsed < duration; b = (b + 1) % _batches.Length)
            {
                long start = Stopwatch.GetTimestamp();
                Neighbor[][] answers = await search(_batches[b]);
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                queries += answers.Length;
            }

            return queries;
        });
    }

    private static async Task<LoadResult> DriveAsync(int clients, Func<int, List<double>, Task<int>> client)
    {
        var latencies = new List<double>[clients];
        var tasks = new Task<int>[clients];
        long start = Stopwatch.GetTimestamp();
        for (int c = 0; c < clients; c++)
        {
            int id = c;
            latencies[id] = [];
            tasks[id] = Task.Factory.StartNew(
                () => client(id, latencies[id]),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap();
        }

        await Task.WhenAll(tasks);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double[] all = [.. latencies.SelectMany(l => l)];
        return new LoadResult(clients, tasks.Sum(t => t.Result), all.Length, seconds, all);
    }
}
