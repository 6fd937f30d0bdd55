using System.Diagnostics;
using System.Security.Authentication;
using HyperdOrleans.Client.Tls;

namespace HyperdOrleans.Client;

/// <summary>
/// Replaces Orleans' default start-up retries (15 attempts over about 180 s) with one deadline: retries once a
/// second until <see cref="HyperdClientOptions.ConnectTimeout"/>, then fails with a message that names what was
/// tried and what to check. A failed TLS handshake is not retried: the same certificate will be refused again.
/// A client without TLS against a TLS cluster cannot tell a refusal from a gateway that closed for another reason:
/// it fails at the deadline, and the message names TLS among the things to check.
/// </summary>
internal sealed class ConnectDeadlineFilter(TimeSpan timeout, string target, HandshakeFailures handshakes) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>A pause this long since the last failed attempt means a new start (a client stopped and started again).</summary>
    private static readonly TimeSpan NewStart = TimeSpan.FromSeconds(10);

    private readonly Stopwatch _since = new();
    private readonly Stopwatch _lastAttempt = new();
    private int _handshakesBefore;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (!_since.IsRunning || _lastAttempt.Elapsed > NewStart)
        {
            _since.Restart();
            _handshakesBefore = handshakes.Count;
        }

        _lastAttempt.Restart();

        ThrowIfHandshakeFailed(exception);
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

        // The failed connection's TLS layer may report after the attempt failed: look again before retrying.
        ThrowIfHandshakeFailed(exception);
        return true;
    }

    private void ThrowIfHandshakeFailed(Exception exception)
    {
        if (handshakes.Count > _handshakesBefore || Find<AuthenticationException>(exception) is not null)
        {
            throw new InvalidOperationException(
                $"could not connect to {target}: the TLS handshake with its gateway failed. Check that "
                    + $"{HyperdClientOptions.Section}:Tls:CertificatePath holds a certificate issued by the cluster's CA, that "
                    + $"{HyperdClientOptions.Section}:Tls:CaPath is that CA, and the silos' logs for the refusal.",
                exception);
        }
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

            if (exception is AggregateException { InnerExceptions: var inner }
                && inner.Select(Find<T>).FirstOrDefault(e => e is not null) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }
}
