using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Grains.Buckets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Serialization;

namespace HyperdOrleans.Grains.Hosting;

/// <summary>
/// Before the silo takes requests: runs the engine's search path on a tiny scratch index (<see cref="WarmUp"/>) and
/// round-trips the search messages through the Orleans serializer, so the first queries after a start do not pay
/// for compiling that code. Off with <see cref="HyperdOptions.WarmUpOnStart"/>.
/// </summary>
internal sealed class SiloWarmUp(
    Serializer serializer,
    IOptions<HyperdOptions> options,
    ILogger<SiloWarmUp> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private const int Rounds = 40;

    public void Participate(ISiloLifecycle lifecycle)
    {
        if (options.Value.WarmUpOnStart)
        {
            lifecycle.Subscribe(nameof(SiloWarmUp), ServiceLifecycleStage.ApplicationServices, RunAsync);
        }
    }

    private Task RunAsync(CancellationToken cancellationToken) => Task.Run(
        () =>
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                WarmUp.Run(options.Value.WorkDirectory, cancellationToken);
                RoundTripMessages();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Only speed is at stake: a silo that could not warm up serves anyway.
                logger.LogWarning(e, "Warm-up failed; the first queries compile the search path");
                return;
            }

            logger.LogInformation(
                "Search path warmed up in {Milliseconds:F0} ms",
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        },
        cancellationToken);

    private void RoundTripMessages()
    {
        float[] queries = new float[100 * 64];
        var request = new BucketSearchRequest(1, 64, queries, 10, 4, new int[101], new int[400]);
        var result = new BucketSearchResult(1, false, [.. Enumerable.Range(0, 100).Select(_ => new QueryResult(new long[10], new float[10]))], 0);
        var search = new SearchRequest(queries, 10, new SearchOptions(6, 50, SearchBudget.Shared, 4));
        var response = new SearchResponse(1, result.Results);
        for (int round = 0; round < Rounds; round++)
        {
            serializer.Deserialize<BucketSearchRequest>(serializer.SerializeToArray(request));
            serializer.Deserialize<BucketSearchResult>(serializer.SerializeToArray(result));
            serializer.Deserialize<SearchRequest>(serializer.SerializeToArray(search));
            serializer.Deserialize<SearchResponse>(serializer.SerializeToArray(response));
        }
    }
}
