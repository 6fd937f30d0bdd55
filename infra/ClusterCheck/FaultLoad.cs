using System.Text.Json;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Client.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HyperdOrleans.ClusterCheck;

/// <summary>
/// <c>load</c> and <c>verify</c>: a client connected as users connect (the SDK, its default deadlines, mutual TLS), running the
/// load infra/chaos.sh injects faults under, or checking afterwards what the load was told.
/// </summary>
internal static class FaultLoad
{
    public static async Task<int> RunAsync(string[] args, string connectionString, string clusterId, string serviceId, MutualTlsOptions tls)
    {
        bool verify = args[0] == "verify";
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddHyperdClient(o =>
        {
            (o.AzureStorageConnectionString, o.ClusterId, o.ServiceId, o.Tls) = (connectionString, clusterId, serviceId, tls);
            if (verify)
            {
                // Exhaustive re-asks of a few hundred rows at once: not an interactive call.
                o.SearchTimeout = TimeSpan.FromMinutes(2);
            }
        });
        using var host = builder.Build();
        await host.StartAsync();
        var hyperd = host.Services.GetRequiredService<HyperdClient>();
        int code = args[0] switch
        {
            "verify" => await VerifyRun.RunAsync(args[1..], hyperd),
            "where" => await WhereAsync(args[1..], hyperd),
            "rebuild" => await RebuildAsync(args[1..], hyperd),
            _ => await LoadRun.RunAsync(args[1..], hyperd),
        };
        await host.StopAsync(CancellationToken.None);
        return code;
    }

    /// <summary>The index's status as one JSON line: where its grain runs, its generation, how its last rebuild ended.</summary>
    private static async Task<int> WhereAsync(string[] args, HyperdClient hyperd)
    {
        string name = Args.String(args, "--name", "chaos");
        IndexStatus status = await hyperd.StatusAsync(name);
        if (Args.String(args, "--field", "") is { Length: > 0 } field)
        {
            if (field == "LastRebuild" && status.Rebuild is { } running)
            {
                // A rebuild still running (one taken over after its index grain's silo died, say): how it ends is the answer.
                try
                {
                    await hyperd.WaitForRebuildAsync(name, running.Generation, TimeSpan.FromMinutes(3));
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException)
                {
                    // It failed or still runs: the status below says which.
                }

                status = await hyperd.StatusAsync(name);
            }

            // One value for a shell script.
            Console.WriteLine(field switch
            {
                "Silo" => status.Silo,
                "Generation" => status.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "Phase" => status.Rebuild?.Phase ?? "none",
                "LastRebuild" => status.LastRebuild is { } last
                    ? $"generation {last.Generation} {(last.Succeeded ? "succeeded" : $"failed ({last.Error})")}"
                    : "none",
                _ => throw new ArgumentException($"--field {field}: Silo, Generation, Phase or LastRebuild."),
            });
            return 0;
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            status.Silo,
            status.Generation,
            status.Count,
            status.PendingOperations,
            status.WriteFault,
            Running = status.Rebuild?.Generation,
            LastGeneration = status.LastRebuild?.Generation,
            LastSucceeded = status.LastRebuild?.Succeeded,
            LastError = status.LastRebuild?.Error,
        }));
        return 0;
    }

    /// <summary>
    /// Starts a rebuild and returns; with <c>--until-phase P</c> it returns once the rebuild reached phase P (polled every
    /// 20 ms, so a fault can land inside a rebuild of a few seconds) and prints the phase it saw last.
    /// </summary>
    private static async Task<int> RebuildAsync(string[] args, HyperdClient hyperd)
    {
        string name = Args.String(args, "--name", "chaos");
        IndexStatus started = await hyperd.BuildAsync(name, new BuildRequest(), wait: false);
        long generation = started.Rebuild?.Generation ?? 0;
        Console.Error.WriteLine($"rebuild to generation {generation} started");
        string until = Args.String(args, "--until-phase", "");
        string phase = started.Rebuild?.Phase ?? "none";
        while (until.Length > 0 && phase != until && phase != "none")
        {
            await Task.Delay(20);
            IndexStatus now = await hyperd.StatusAsync(name);
            phase = now.Rebuild is { } r && r.Generation == generation ? r.Phase : "none";
        }

        Console.WriteLine(phase);
        return 0;
    }
}
