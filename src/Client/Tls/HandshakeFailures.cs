using Microsoft.AspNetCore.Connections;
using Orleans.Connections.Security;

namespace HyperdOrleans.Client.Tls;

/// <summary>
/// Notices gateway connections whose TLS handshake failed (Orleans' TLS middleware logs such a failure and closes
/// the connection, so the client only sees "unable to connect"), so that the client's start gives up at once on
/// a refused certificate instead of retrying until its connect timeout. Thread-safe.
/// </summary>
internal sealed class HandshakeFailures
{
    private int _count;

    /// <summary>Connections since start whose handshake failed.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The outermost step of every gateway connection: when the connection ends, a TLS layer that never learnt the
    /// peer's certificate means the handshake failed (ours refused the gateway's certificate, or it refused ours).
    /// </summary>
    public void Watch(IConnectionBuilder connection) =>
        connection.Use(next => async context =>
        {
            await next(context);
            if (context.Features.Get<ITlsConnectionFeature>() is { RemoteCertificate: null })
            {
                Interlocked.Increment(ref _count);
            }
        });
}
