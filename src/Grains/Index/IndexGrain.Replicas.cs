using System.Runtime.ExceptionServices;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Fields;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// The index grain talks to every replica of every bucket (<see cref="HyperdOptions.Replicas"/>): writes, confirmations and
/// generation switches go to all of them; a step that needs one answer per bucket takes the first replica that gives it.
/// A replica that misses a step is not an error while another replica of its bucket took it: it catches up from the log,
/// and from the manifest (<see cref="ServingBucketAsync"/>) when it missed a generation.
/// </summary>
public sealed partial class IndexGrain
{
    private int ReplicaCount => options.Value.Replicas;

    public Task<BucketGeneration?> ServingBucketAsync(int bucket, CancellationToken cancellationToken = default)
    {
        if (state.State.Manifest is not { } m || bucket < 0 || bucket >= m.Buckets.Length)
        {
            return Task.FromResult<BucketGeneration?>(null);
        }

        long watermark = state.State.Watermarks.Length > bucket ? state.State.Watermarks[bucket] : 0;
        return Task.FromResult<BucketGeneration?>(
            new BucketGeneration(m.Generation, m.Buckets[bucket], watermark, m.Dimensions, WireFields.ToWire(m.Schema)));
    }

    private IBucketGrain Bucket(int bucket, int replica = 0) => GrainFactory.GetGrain<IBucketGrain>(GrainKeys.Bucket(_name, bucket, replica));

    /// <summary>
    /// Runs <paramref name="call"/> on every replica of every bucket at once and returns, per bucket, the answer of the first
    /// replica (in replica order) that gave one. A bucket none of whose replicas answered throws the first replica's error.
    /// </summary>
    private async Task<T[]> OnEveryReplicaAsync<T>(string step, Func<int, IBucketGrain, Task<T>> call)
    {
        int replicas = ReplicaCount;
        var calls = new Task<T>[LshHasher.BucketCount, replicas];
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            for (int r = 0; r < replicas; r++)
            {
                calls[b, r] = call(b, Bucket(b, r));
            }
        }

        try
        {
            await Task.WhenAll(calls.Cast<Task<T>>());
        }
        catch (Exception) when (replicas > 1)
        {
            // Judged per bucket below: one replica's failure is not the step's.
        }

        var answers = new T[LshHasher.BucketCount];
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            int answered = -1;
            for (int r = replicas - 1; r >= 0; r--)
            {
                if (calls[b, r].IsCompletedSuccessfully)
                {
                    answered = r;
                }
                else
                {
                    logger.LogWarning(calls[b, r].Exception?.InnerException, "Index {Index}: replica {Replica} of bucket {Bucket} failed to {Step}",
                        _name, r, b, step);
                }
            }

            if (answered < 0)
            {
                ExceptionDispatchInfo.Throw(calls[b, 0].Exception!.InnerException!);
            }

            answers[b] = calls[b, answered].Result;
        }

        return answers;
    }

    private Task OnEveryReplicaAsync(string step, Func<int, IBucketGrain, Task> call) =>
        OnEveryReplicaAsync(step, async (b, grain) =>
        {
            await call(b, grain);
            return true;
        });

    /// <summary>
    /// Asks replica 0 of <paramref name="bucket"/>, and the next ones in turn when one fails: for a step whose answer must come
    /// from one replica (a rebuild's snapshot of pending rows writes one spill file per bucket).
    /// </summary>
    private async Task<T> OnOneReplicaAsync<T>(int bucket, string step, Func<IBucketGrain, Task<T>> call)
    {
        for (int r = 0; ; r++)
        {
            try
            {
                return await call(Bucket(bucket, r));
            }
            catch (Exception e) when (r + 1 < ReplicaCount && e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Index {Index}: replica {Replica} of bucket {Bucket} failed to {Step}; asking the next replica",
                    _name, r, bucket, step);
            }
        }
    }

    /// <summary>The status of every replica that answered; a bucket none of whose replicas answered throws.</summary>
    private async Task<BucketStatus[]> BucketStatusesAsync(CancellationToken cancellationToken)
    {
        int replicas = ReplicaCount;
        var calls = Enumerable.Range(0, LshHasher.BucketCount * replicas)
            .Select(i => Bucket(i / replicas, i % replicas).StatusAsync(cancellationToken))
            .ToArray();
        try
        {
            await Task.WhenAll(calls);
        }
        catch (Exception) when (replicas > 1)
        {
            // Judged per bucket below.
        }

        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            if (!Enumerable.Range(b * replicas, replicas).Any(i => calls[i].IsCompletedSuccessfully))
            {
                ExceptionDispatchInfo.Throw(calls[b * replicas].Exception!.InnerException!);
            }
        }

        return [.. calls.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result)];
    }

    /// <summary>Where each replica of each bucket runs; empty for one that did not answer within the attempt timeout.</summary>
    private async Task<string[][]> ReplicaSilosAsync(CancellationToken cancellationToken)
    {
        int replicas = ReplicaCount;
        TimeSpan timeout = options.Value.ReplicaAttemptTimeout;
        string[] silos = await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount * replicas).Select(async i =>
        {
            try
            {
                return (await Bucket(i / replicas, i % replicas).StatusAsync(cancellationToken).WaitAsync(timeout, cancellationToken)).Silo;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return "";
            }
        }));
        return [.. silos.Chunk(replicas)];
    }

    private async Task<long> CountPendingAsync(CancellationToken cancellationToken) =>
        (await BucketStatusesAsync(cancellationToken)).Max(x => x.PendingOperations);

    /// <summary>
    /// A client's placement hint (a test pins the index grain with one) would travel with this call into every bucket activation it
    /// causes and put all replicas of a bucket on one silo: the index grain's calls to buckets go without it.
    /// </summary>
    private static void ForgetPlacementHint() => RequestContext.Remove(IPlacementDirector.PlacementHintKey);
}
