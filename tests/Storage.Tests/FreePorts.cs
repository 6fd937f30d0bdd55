using System.Net;
using System.Net.Sockets;

namespace HyperdOrleans.Storage.Tests;

/// <summary>
/// Loopback ports the OS reports free right now. Two processes can both bind one loopback port without an error
/// and steal each other's traffic, so every Azurite and silo a test starts gets ports picked here.
/// </summary>
internal static class FreePorts
{
    public static int[] Take(int count)
    {
        // Hold every listener until all are chosen so that one call never returns the same port twice.
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
