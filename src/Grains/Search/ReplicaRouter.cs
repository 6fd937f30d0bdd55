using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using HyperdOrleans.Grains.Buckets;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Search;

/// <summary>
/// Sends a coordinator's call for one bucket (or one shard of it) to one of its replicas and fails over. The first replica asked
/// is the one with the fewest calls in flight, round robin among equals. A call that fails (anything but the contract's
/// <see cref="ArgumentException"/> and <see cref="KeyNotFoundException"/>), outlasts the attempt timeout, answers "not ready" or
/// from an older generation goes to the next replica; a call slower than the bucket's recent p99 is hedged (the same request to
/// the next replica, the first answer wins, the other is cancelled). When no replica is ready, it waits for the first one asked.
/// With one replica it is a plain call that waits until ready, as before replicas. One per silo, shared by its coordinator
/// activations (<see cref="Of"/>); thread-safe.
/// </summary>
public sealed class ReplicaRouter(Func<string, int, int, int, IBucketGrain> replica, int replicas, TimeSpan attemptTimeout)
{
    /// <summary>
    /// The router of a silo's coordinators: replica r of shard s of bucket b of an index is the grain <see cref="GrainKeys.Bucket"/>
    /// names.
    /// </summary>
    public ReplicaRouter(IGrainFactory grains, int replicas, TimeSpan attemptTimeout)
        : this((index, bucket, shard, r) => grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, bucket, r, shard)), replicas, attemptTimeout)
    {
    }

    /// <summary>A router over unsharded buckets: replica r of bucket b is what <paramref name="replica"/> gives.</summary>
    public ReplicaRouter(Func<string, int, int, IBucketGrain> replica, int replicas, TimeSpan attemptTimeout)
        : this((index, bucket, _, r) => replica(index, bucket, r), replicas, attemptTimeout)
    {
    }

    private static readonly ConditionalWeakTable<ILocalSiloDetails, ReplicaRouter> PerSilo = [];

    private readonly ConcurrentDictionary<(string Index, int Bucket, int Shard), ReplicaLatency> _latency = new();

    /// <summary>
    /// The router of the silo these details are of: its coordinator activations (one per core and coordinator key) share the calls
    /// in flight and the latency windows, so the load a replica carries is counted once per silo, not per activation.
    /// </summary>
    public static ReplicaRouter Of(ILocalSiloDetails silo, IGrainFactory grains, int replicas, TimeSpan attemptTimeout) =>
        PerSilo.GetValue(silo, _ => new ReplicaRouter(grains, replicas, attemptTimeout));

    public int Replicas => replicas;

    /// <param name="call">The call to one replica; its flag asks a loading replica to wait until ready instead of answering at once.</param>
    /// <param name="judge">Whether an answer is usable, or the next replica should be asked.</param>
    public async Task<T> CallAsync<T>(
        string index,
        int bucket,
        Func<IBucketGrain, bool, CancellationToken, Task<T>> call,
        Func<T, ReplicaVerdict> judge,
        CancellationToken cancellationToken,
        int shard = 0)
    {
        if (replicas == 1)
        {
            return await call(replica(index, bucket, shard, 0), true, cancellationToken);
        }

        ReplicaLatency latency = _latency.GetOrAdd((index, bucket, shard), _ => new ReplicaLatency(replicas));
        int first = latency.NextFirst();
        var running = new List<Attempt<T>>();
        var notReady = new List<int>();
        var slow = new List<int>();
        int launched = 0;
        Exception? failure = null;
        (bool Held, T Value) behind = default;
        try
        {
            while (true)
            {
                if (running.Count == 0)
                {
                    if (launched == replicas)
                    {
                        break;
                    }

                    running.Add(Launch());
                }

                Task? hedge = launched < replicas && latency.HedgeAfter is { } after ? Task.Delay(after, cancellationToken) : null;
                var waiting = running.Select(a => (Task)a.Call).ToList();
                if (hedge is not null)
                {
                    waiting.Add(hedge);
                }

                Task done = await Task.WhenAny(waiting);
                cancellationToken.ThrowIfCancellationRequested();
                if (done == hedge)
                {
                    running.Add(Launch());
                    continue;
                }

                Attempt<T> attempt = running.First(a => a.Call == done);
                running.Remove(attempt);
                if (!attempt.Call.IsCompletedSuccessfully)
                {
                    // A timed-out attempt is still running on its replica: cancel it there too.
                    attempt.Cancel();
                    Exception e = attempt.Call.Exception?.InnerException
                        ?? new TimeoutException($"bucket {bucket} replica {attempt.Replica} gave up.");
                    if (e is ArgumentException or KeyNotFoundException)
                    {
                        ExceptionDispatchInfo.Throw(e);
                    }

                    bool timedOut = attempt.Call.IsCanceled || e is TimeoutException or OperationCanceledException;
                    if (timedOut && !cancellationToken.IsCancellationRequested)
                    {
                        slow.Add(attempt.Replica);
                    }

                    failure = e;
                    continue;
                }

                attempt.Dispose();
                T answer = attempt.Call.Result;
                switch (judge(answer))
                {
                    case ReplicaVerdict.Answer:
                        latency.Record(Stopwatch.GetElapsedTime(attempt.Started));
                        return answer;
                    case ReplicaVerdict.NotReady:
                        notReady.Add(attempt.Replica);
                        break;
                    default:
                        behind = (true, answer);
                        break;
                }
            }
        }
        finally
        {
            foreach (Attempt<T> loser in running)
            {
                loser.Cancel();
            }
        }

        if (notReady.Count > 0)
        {
            // Every replica is loading or unusable: the first one that loads answers.
            return await call(replica(index, bucket, shard, notReady[0]), true, cancellationToken);
        }

        if (behind.Held)
        {
            return behind.Value; // the caller refreshes its route and asks again, as for any stale answer
        }

        if (slow.Count > 0)
        {
            // No replica refused, one or more were only slower than the attempt timeout (a busy silo, one taking over): the first
            // of them is waited for within the caller's own deadline rather than the search failing.
            return await call(replica(index, bucket, shard, slow[0]), true, cancellationToken);
        }

        ExceptionDispatchInfo.Throw(failure!);
        return default!;

        Attempt<T> Launch()
        {
            int r = (first + launched++) % replicas;
            var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(attemptTimeout);
            Task<T> sent = call(replica(index, bucket, shard, r), false, deadline.Token);
            latency.Track(r, sent);
            Task<T> task = sent.WaitAsync(attemptTimeout, cancellationToken);
            return new Attempt<T>(r, task, deadline, Stopwatch.GetTimestamp());
        }
    }

    private sealed record Attempt<T>(int Replica, Task<T> Call, CancellationTokenSource Deadline, long Started) : IDisposable
    {
        /// <summary>A loser: its remote call is cancelled, and whatever it ends with is observed (never an unobserved exception).</summary>
        public void Cancel()
        {
            Deadline.Cancel();
            Call.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            Dispose();
        }

        public void Dispose() => Deadline.Dispose();
    }
}
