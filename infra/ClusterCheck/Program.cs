// Usage: ClusterCheck [--expect N] [--timeout SECONDS]
//        ClusterCheck load --name NAME --seconds S --journal FILE [--fault-at S]   (the load infra/chaos.sh injects faults under)
//        ClusterCheck verify --name NAME --journal FILE             (acknowledged rows all there, failed calls' rows absent)
//        ClusterCheck where|rebuild --name NAME                     (the index's status as JSON; start a rebuild and return)
//        ClusterCheck rebuild --name NAME --until-phase build       (return once the rebuild is in that phase; prints it)
//        ClusterCheck index [--count N] [--dims D] [--name NAME] [--data FILE] [--rebuilds R] [--build]   (see IndexCheck)
// Reads Hyperd__Azure__ConnectionString, Hyperd__ClusterId and Hyperd__ServiceId from the environment, the same
// variables the silos get, and the client certificate from Hyperd__Client__Tls__* (cluster.env).
// Exit 0: N silos Active in the table and a client got the same answer from a gateway.
// Exit 1: not within the timeout (the rows seen are printed). --expect 0 prints the rows once and exits 0.
using HyperdOrleans.Client;
using HyperdOrleans.Client.Tls;
using HyperdOrleans.Abstractions;
using HyperdOrleans.ClusterCheck;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var expect = Args.Int(args, "--expect", 3);
var timeout = TimeSpan.FromSeconds(Args.Int(args, "--timeout", 120));
var config = new ConfigurationBuilder().AddEnvironmentVariables().Build();
var connectionString = config["Hyperd:Azure:ConnectionString"]
    ?? throw new InvalidOperationException("Hyperd__Azure__ConnectionString is not set.");
var clusterId = config["Hyperd:ClusterId"] ?? "hyperd";
var serviceId = config["Hyperd:ServiceId"] ?? "hyperd";
var tls = new MutualTlsOptions();
config.GetSection($"{HyperdClientOptions.Section}:Tls").Bind(tls);
if (args is ["index", ..])
{
    return await IndexCheck.RunAsync(args[1..], connectionString, clusterId, serviceId, tls);
}

if (args is ["load" or "verify" or "where" or "rebuild", ..])
{
    return await FaultLoad.RunAsync(args, connectionString, clusterId, serviceId, tls);
}

using var deadline = new CancellationTokenSource(timeout);
IReadOnlyList<MembershipRow> rows = [];
while (true)
{
    rows = await MembershipRow.ReadAsync(connectionString, clusterId, CancellationToken.None);
    var active = rows.Count(r => r.Status == "Active");
    if (expect == 0 || active >= expect)
    {
        break;
    }
    if (deadline.IsCancellationRequested)
    {
        Console.Error.WriteLine($"Cluster '{clusterId}': {active} of {expect} silos Active after {timeout.TotalSeconds:0} s.");
        Print(rows);
        return 1;
    }
    await Task.Delay(TimeSpan.FromSeconds(1));
}
Print(rows);
if (expect == 0)
{
    return 0;
}

// The table can say Active before a gateway accepts clients; the check is only done when a client is served.
// Its own 30 s budget: the table may have turned Active just before the overall deadline. The SDK's client, so the
// check connects exactly as users do (TLS included).
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.AddHyperdClient(o =>
{
    (o.AzureStorageConnectionString, o.ClusterId, o.ServiceId, o.Tls) = (connectionString, clusterId, serviceId, tls);
    o.ConnectTimeout = TimeSpan.FromSeconds(30);
});
using var host = builder.Build();
try
{
    await host.StartAsync();
    // A call of the client contract (the management grain is internal to the cluster): the coordinator names its silo.
    var served = await host.Services.GetRequiredService<IClusterClient>().GetGrain<ISearchCoordinatorGrain>(0).WhereAsync();
    await host.StopAsync(CancellationToken.None);
    var activeSilos = rows.Count(r => r.Status == "Active");
    Console.WriteLine($"Cluster '{clusterId}' (service '{serviceId}'): {activeSilos} silos Active, a client is served (by {served}).");
    return activeSilos >= expect ? 0 : 1;
}
catch (Exception e) when (e is OperationCanceledException or OrleansException or TimeoutException or InvalidOperationException)
{
    Console.Error.WriteLine($"Cluster '{clusterId}': the table shows {expect} Active silos but no client was served yet: {e.Message}");
    return 1;
}

static void Print(IReadOnlyList<MembershipRow> rows)
{
    foreach (var row in rows.OrderBy(r => r.Endpoint, StringComparer.Ordinal))
    {
        Console.WriteLine($"  {row.Status,-12} {row.Endpoint,-22} {row.SiloName}");
    }
}

