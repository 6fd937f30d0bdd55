using System.Runtime.ExceptionServices;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Fields;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// The index grain talks to every replica (<see cref="HyperdOptions.Replicas"/>) of every shard of every bucket: writes,
/// confirmations and generation switches go to all of them; a step that needs one answer per bucket takes the first replica of
/// the bucket's first shard that gives it (that shard holds the pending rows).
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

    private IBucketGrain Bucket(int bucket, int replica = 0, int shard = 0) =>
        GrainFactory.GetGrain<IBucketGrain>(GrainKeys.Bucket(_name, bucket, replica, shard));

    /// <summary>How many shards each bucket of the serving generation has (1 each before the first build).</summary>
    private int[] ServingShards() => state.State.Manifest is { } m
        ? [.. m.Buckets.Select(b => b.ShardCount)]
        : [.. Enumerable.Repeat(1, LshHasher.BucketCount)];

    /// <summary>Every replica of every shard of every bucket, bucket-major: the grains a step that changes state goes to.</summary>
    private List<(int Bucket, int Shard, int Replica)> Members(int[]? shards = null)
    {
        shards ??= ServingShards();
        var members = new List<(int, int, int)>();
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            for (int s = 0; s < shards[b]; s++)
            {
                for (int r = 0; r < ReplicaCount; r++)
                {
                    members.Add((b, s, r));
                }
            }
        }

        return members;
    }

    /// <summary>
    /// Runs <paramref name="call"/> on every replica of every shard of every bucket at once (<paramref name="shards"/> per bucket, the
    /// serving generation's by default) and returns, per bucket, the answer of the first replica of its first shard that gave one.
    /// A shard none of whose replicas answered throws the first replica's error.
    /// </summary>
    private async Task<T[]> OnEveryReplicaAsync<T>(string step, Func<int, IBucketGrain, Task<T>> call, int[]? shards = null)
    {
        var members = Members(shards);
        Task<T>[] calls = [.. members.Select(m => call(m.Bucket, Bucket(m.Bucket, m.Replica, m.Shard)))];
        var groups = ByShard(members);
        if (ReplicaCount == 1)
        {
            await Task.WhenAll(calls);
        }
        else
        {
            await UntilEveryShardAnsweredAsync(calls, groups);
        }

        var answers = new T[LshHasher.BucketCount];
        foreach (var shard in groups)
        {
            var answered = shard.Where(i => calls[i].IsCompletedSuccessfully).ToList();
            foreach (int i in shard.Where(i => !calls[i].IsCompletedSuccessfully))
            {
                logger.LogWarning(
                    calls[i].Exception?.InnerException,
                    "Index {Index}: replica {Replica} of bucket {Bucket} shard {Shard} did not {Step} in time; it catches up from the manifest",
                    _name, members[i].Replica, members[i].Bucket, members[i].Shard, step);
            }

            if (answered.Count == 0)
            {
                ExceptionDispatchInfo.Throw(calls[shard.First()].Exception!.InnerException!);
            }

            if (shard.Key.Shard == 0)
            {
                answers[shard.Key.Bucket] = calls[answered[0]].Result;
            }
        }

        return answers;
    }

    /// <summary>The positions in <paramref name="members"/> of each shard's replicas, shard by shard.</summary>
    private static List<IGrouping<(int Bucket, int Shard), int>> ByShard(List<(int Bucket, int Shard, int Replica)> members) =>
        [.. members.Select((m, i) => (m, i)).GroupBy(x => (x.m.Bucket, x.m.Shard), x => x.i)];

    /// <summary>
    /// Waits for every call for up to <paramref name="grace"/> (<see cref="HyperdOptions.ReplicaAttemptTimeout"/> by default),
    /// then only until every shard has one answer (or none of its calls is left): a replica whose silo just died would hold the
    /// step, and the write gate a commit holds, until the silo is declared dead. One replica's failure is not the step's; the
    /// stragglers run on and are observed.
    /// </summary>
    private async Task UntilEveryShardAnsweredAsync(Task[] calls, List<IGrouping<(int Bucket, int Shard), int>> shards, TimeSpan? grace = null)
    {
        Task all = Task.WhenAll(calls);
        _ = all.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        await Task.WhenAny(all, Task.Delay(grace ?? options.Value.ReplicaAttemptTimeout));
        var running = calls.Where(c => !c.IsCompleted).ToList();
        while (running.Count > 0 && shards.Any(s => !s.Any(i => calls[i].IsCompletedSuccessfully) && s.Any(i => !calls[i].IsCompleted)))
        {
            running.Remove(await Task.WhenAny(running));
        }
    }

    private Task OnEveryReplicaAsync(string step, Func<int, IBucketGrain, Task> call, int[]? shards = null) =>
        OnEveryReplicaAsync(
            step,
            async (b, grain) =>
            {
                await call(b, grain);
                return true;
            },
            shards);

    /// <summary>
    /// Asks replica 0 of <paramref name="bucket"/>'s first shard, and the next ones in turn when one fails: for a step whose answer
    /// must come from one replica (a rebuild's snapshot of pending rows, which the first shard holds, writes one spill file per bucket).
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

    /// <summary>
    /// The status of every replica of every shard that answered; a shard none of whose replicas answered throws. With
    /// <paramref name="stragglers"/>, replicas still loading (re-activated after their silo died: they download and warm their
    /// files) are waited for that long at most once every shard has an answer; without it, every replica is.
    /// </summary>
    private async Task<BucketStatus[]> BucketStatusesAsync(CancellationToken cancellationToken, TimeSpan? stragglers = null)
    {
        var members = Members();
        Task<BucketStatus>[] calls = [.. members.Select(m => Bucket(m.Bucket, m.Replica, m.Shard).StatusAsync(cancellationToken))];
        var shards = ByShard(members);
        await UntilEveryShardAnsweredAsync(calls, shards, stragglers ?? Timeout.InfiniteTimeSpan);
        foreach (var shard in shards)
        {
            if (!shard.Any(i => calls[i].IsCompletedSuccessfully))
            {
                ExceptionDispatchInfo.Throw(calls[shard.First()].Exception!.InnerException!);
            }
        }

        return [.. calls.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result)];
    }

    /// <summary>
    /// Where each replica of each bucket runs, shard by shard (shard 0's replicas, then shard 1's, ...); empty for one that did not
    /// answer within the attempt timeout.
    /// </summary>
    private async Task<string[][]> ReplicaSilosAsync(CancellationToken cancellationToken)
    {
        var members = Members();
        TimeSpan timeout = options.Value.ReplicaAttemptTimeout;
        string[] silos = await Task.WhenAll(members.Select(async m =>
        {
            try
            {
                return (await Bucket(m.Bucket, m.Replica, m.Shard).StatusAsync(cancellationToken).WaitAsync(timeout, cancellationToken)).Silo;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return "";
            }
        }));
        return [.. Enumerable.Range(0, LshHasher.BucketCount).Select(b => members.Select((m, i) => (m, i)).Where(x => x.m.Bucket == b)
            .Select(x => silos[x.i]).ToArray())];
    }

    /// <summary>The pending operations of the fullest bucket, as the replicas that answer in time count them.</summary>
    private async Task<long> CountPendingAsync(CancellationToken cancellationToken) =>
        (await BucketStatusesAsync(cancellationToken, options.Value.ReplicaAttemptTimeout)).Max(x => x.PendingOperations);

    /// <summary>
    /// A client's placement hint (a test pins the index grain with one) would travel with this call into every bucket activation it
    /// causes and put all replicas of a bucket on one silo: the index grain's calls to buckets go without it.
    /// </summary>
    private static void ForgetPlacementHint() => RequestContext.Remove(IPlacementDirector.PlacementHintKey);
}
