using System.Runtime.ExceptionServices;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace HyperdOrleans.Client;

/// <summary>
/// Searches and reads change nothing, so they are sent again when an attempt is lost: at once when the silo that carried it
/// (its gateway, or the coordinator's silo) is known to be gone, and beside the first attempt when it has gone unanswered for
/// the attempt timeout (a request lost with a killed gateway may never be answered). The first answer wins and the others are
/// cancelled, so a slow search that is still running is not cut short. Any answer the cluster gave, an error included, is
/// returned as it came.
/// </summary>
internal static class ReadRetry
{
    /// <summary>A pause before sending again after a lost connection, so a silo that is being declared dead is not hammered.</summary>
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(100);

    /// <summary>The most attempts in flight at once for one call.</summary>
    private const int MaxAttempts = 3;

    public static async Task<T> RunAsync<T>(CancellationToken cancellationToken, TimeSpan attemptTimeout, Func<CancellationToken, Task<T>> call)
    {
        using var all = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new List<Task<T>> { call(all.Token) };
        int sent = 1;
        try
        {
            while (true)
            {
                Task? resend = sent < MaxAttempts && attemptTimeout != Timeout.InfiniteTimeSpan
                    ? Task.Delay(attemptTimeout, cancellationToken)
                    : null;
                Task done = await Task.WhenAny(resend is null ? running : [.. running, resend]);
                cancellationToken.ThrowIfCancellationRequested();
                if (done == resend)
                {
                    running.Add(call(all.Token));
                    sent++;
                    continue;
                }

                var attempt = (Task<T>)done;
                running.Remove(attempt);
                if (attempt.IsCompletedSuccessfully)
                {
                    return attempt.Result;
                }

                Exception error = attempt.Exception?.InnerException ?? new OperationCanceledException(cancellationToken);
                if (!IsLost(error))
                {
                    ExceptionDispatchInfo.Throw(error);
                }

                if (running.Count == 0)
                {
                    await Task.Delay(Backoff, cancellationToken);
                    running.Add(call(all.Token));
                    sent = Math.Min(sent + 1, MaxAttempts);
                }
            }
        }
        finally
        {
            // The losers are cancelled, on their silos too; their outcome is observed so it is never reported as unobserved.
            all.Cancel();
            foreach (Task<T> loser in running)
            {
                _ = loser.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
            }
        }
    }

    private static bool IsLost(Exception e) => e is OrleansMessageRejectionException or ConnectionFailedException or SiloUnavailableException;
}
