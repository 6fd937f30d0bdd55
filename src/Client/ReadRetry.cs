using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace HyperdOrleans.Client;

/// <summary>
/// Searches and reads change nothing, so one lost with the silo that carried it (its gateway, or the coordinator's silo, was
/// killed) is sent again, through another gateway, within the call's deadline. Any answer the cluster gave, an error
/// included, is returned as it came: only a lost connection or silo is retried.
/// </summary>
internal static class ReadRetry
{
    /// <summary>A pause between attempts, so a silo that is being declared dead is not hammered.</summary>
    private static readonly TimeSpan Backoff = TimeSpan.FromMilliseconds(100);

    public static async Task<T> RunAsync<T>(CancellationToken cancellationToken, Func<CancellationToken, Task<T>> call)
    {
        while (true)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsLost(e))
            {
                await Task.Delay(Backoff, cancellationToken);
            }
        }
    }

    private static bool IsLost(Exception e) => e is OrleansMessageRejectionException or ConnectionFailedException;
}
