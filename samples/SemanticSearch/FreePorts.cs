using System.Net;
using System.Net.Sockets;

namespace HyperdOrleans.SemanticSearch;

/// <summary>Loopback ports free right now, so the sample's silo never lands on a port another silo of this machine uses.</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
