using System.Diagnostics;
using System.Security.Authentication;

namespace HyperdOrleans.Client;

/// <summary>
/// Replaces Orleans' default start-up retries (15 attempts over about 180 s) with one deadline: retries once a
/// second until <see cref="HyperdClientOptions.ConnectTimeout"/>, then fails with a message that names what was
/// tried and what to check. A refused TLS handshake is not retried: the same certificate will be refused again.
/// </summary>
internal sealed class ConnectDeadlineFilter(TimeSpan timeout, string target) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _since = new();

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (!_since.IsRunning)
        {
            _since.Start();
        }

        if (Find<AuthenticationException>(exception) is { } refused)
        {
            throw new InvalidOperationException(
                $"could not connect to {target}: the TLS handshake failed ({refused.Message}). Check that "
                    + $"{HyperdClientOptions.Section}:Tls:CertificatePath holds a certificate issued by the cluster's CA and "
                    + $"{HyperdClientOptions.Section}:Tls:CaPath is that CA.",
                exception);
        }

        if (_since.Elapsed + RetryDelay >= timeout)
        {
            throw new TimeoutException(
                $"could not connect to {target} within {timeout.TotalSeconds:0.#} s ({exception.GetType().Name}: {exception.Message}). "
                    + "Check that its silos are running and their gateway ports are reachable from here, that the cluster and "
                    + "service ids match the silos' (Hyperd:ClusterId, Hyperd:ServiceId), and that TLS is configured alike on "
                    + $"both sides ({HyperdClientOptions.Section}:Tls).",
                exception);
        }

        await Task.Delay(RetryDelay, cancellationToken);
        return true;
    }

    private static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }

            if (exception is AggregateException { InnerExceptions: var inner } && inner.Select(Find<T>).FirstOrDefault(e => e is not null) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }
}
