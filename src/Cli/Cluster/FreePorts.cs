using System.Net;
using System.Net.Sockets;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>
/// Loopback ports nobody listens on now. Two silos can bind the same loopback port without an error and steal
/// each other's traffic, so the embedded silo never takes a fixed port.
/// </summary>
internal static class FreePorts
{
    public static (int Silo, int Gateway) Pair()
    {
        // Both listeners stay open until both ports are known, so the two can never be the same port.
        using var first = new TcpListener(IPAddress.Loopback, 0);
        using var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
    }
}
