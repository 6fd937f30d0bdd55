using HyperdOrleans.Abstractions;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace HyperdOrleans.Client;

/// <summary>
/// Appends and deletes are idempotent (an append is an upsert by id), so a write whose attempt did not come back, because
/// its silo died, its gateway went away, or the attempt outlived <see cref="HyperdClientOptions.WriteAttemptTimeout"/>, is
/// sent again until the call's deadline. An attempt that reached a silo that then died may have been applied or not; the
/// next attempt makes the outcome certain. An attempt the index grain refused because it arrived too late
/// (<see cref="WriteArrivedLateException"/>: held up on the way, or behind other writes) applied nothing and is sent again too.
/// Any other definite refusal (bad input, a storage failure the index grain reported after applying nothing) is not retried:
/// it is thrown as it came.
/// </summary>
internal static class WriteRetry
{
    /// <summary>A pause between attempts, so a silo that is being declared dead is not hammered.</summary>
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(250);

    /// <summary>Beyond this an attempt has no timer of its own (an infinite deadline).</summary>
    private static readonly TimeSpan Unbounded = TimeSpan.FromDays(1);

    public static async Task<T> RunAsync<T>(
        string name,
        string index,
        TimeSpan timeout,
        TimeSpan attemptTimeout,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task<T>> call)
    {
        DateTime deadline = timeout == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + timeout;
        var failures = new List<string>();
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            TimeSpan slice = attemptTimeout == Timeout.InfiniteTimeSpan || left < attemptTimeout ? left : attemptTimeout;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (slice < Unbounded)
            {
                attempt.CancelAfter(slice);
            }

            try
            {
                return await Send(call, attempt.Token, slice < Unbounded ? DateTime.UtcNow + slice : null);
            }
            catch (WriteArrivedLateException) when (!cancellationToken.IsCancellationRequested && deadline - DateTime.UtcNow > Backoff)
            {
                // Refused whole: nothing to make certain, only to send again while there is time (past it, thrown as it came).
                failures.Add("arrived too late");
                await Task.Delay(Backoff, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsUnanswered(e, attempt))
            {
                failures.Add(e is OperationCanceledException ? $"no answer within {slice.TotalSeconds:0.#} s" : e.GetType().Name);
                if (deadline - DateTime.UtcNow <= Backoff)
                {
                    throw new TimeoutException(
                        $"{name} on index '{index}' did not complete within {timeout.TotalSeconds:0.###} s ({failures.Count} attempts: "
                            + $"{string.Join(", ", failures)}). The outcome of the last attempt is unknown: retry the call, which is safe "
                            + "(appends are upserts by id, deletes are idempotent).",
                        e);
                }

                await Task.Delay(Backoff, cancellationToken);
            }
        }
    }

    /// <summary>Sends one attempt with its deadline in the request context, which Orleans copies into the call as it is made.</summary>
    private static Task<T> Send<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, DateTime? deadline)
    {
        if (deadline is null)
        {
            return call(cancellationToken);
        }

        RequestContext.Set(WriteDeadline.Key, deadline.Value.Ticks);
        try
        {
            return call(cancellationToken);
        }
        finally
        {
            RequestContext.Remove(WriteDeadline.Key);
        }
    }

    /// <summary>The attempt got no answer from the grain: the call was lost with a silo or a connection, or ran out of time.</summary>
    private static bool IsUnanswered(Exception e, CancellationTokenSource attempt) =>
        e is OperationCanceledException && attempt.IsCancellationRequested
        || e is OrleansMessageRejectionException or ConnectionFailedException or GatewayTooBusyException
        || e is TimeoutException && e.InnerException is null && e.Message.StartsWith("Response did not arrive", StringComparison.Ordinal);
}
