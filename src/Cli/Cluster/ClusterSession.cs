using HyperdOrleans.Cli.Console;
using HyperdOrleans.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>
/// A connection to a cluster through the Orleans client SDK (<see cref="HyperdClient"/>), and for
/// <see cref="ClusterKind.Embedded"/> the silo itself, hosted in this process on free loopback ports. Even then
/// the tool talks to its silo as any client does: through the gateway. Disposing disconnects and stops the silo.
/// </summary>
internal sealed class ClusterSession : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly EmbeddedSiloFolders? _folders;
    private readonly IHost? _silo;
    private readonly IHost _client;

    private ClusterSession(ClusterChoice choice, EmbeddedSiloFolders? folders, IHost? silo, IHost client, string logPath)
    {
        Choice = choice;
        _folders = folders;
        _silo = silo;
        _client = client;
        LogPath = logPath;
        Client = client.Services.GetRequiredService<HyperdClient>();
    }

    public ClusterChoice Choice { get; }

    public HyperdClient Client { get; }

    public string Name => Choice.Name;

    /// <summary>Where the silo's and client's warnings go (they never reach the console).</summary>
    public string LogPath { get; }

    /// <summary>
    /// The engine index directory of this index in the cluster's file store when this process can read it
    /// (the embedded silo's store, or <c>--engine-index</c>); it holds the generation the cluster serves.
    /// </summary>
    public string? EngineDirectory => Choice.EngineIndex ?? _folders?.EngineDirectory(Choice.Name);

    public static async Task<ClusterSession> ConnectAsync(
        CliContext context,
        ClusterChoice choice,
        int buildThreads,
        CancellationToken cancellationToken)
    {
        ClusterTarget target = choice.Target;
        string logPath = Path.Combine(choice.EmbeddedData ?? Path.Combine(Path.GetTempPath(), "hyperd-logs"), "hyperd-cli.log");
        IHost? silo = null;
        EmbeddedSiloFolders? folders = null;
        int gatewayPort = target.GatewayPort;
        try
        {
            if (choice.EmbeddedData is { } data)
            {
                (int siloPort, gatewayPort) = FreePorts.Pair();
                context.Ui.WriteLine($"cluster: starting an embedded silo (data {data}, silo port {siloPort}, gateway {gatewayPort})");
                folders = EmbeddedSiloFolders.Under(data);
                silo = CreateSilo(folders, siloPort, gatewayPort, target, buildThreads, logPath);
                await Within(silo.StartAsync, "start the embedded silo", target, cancellationToken);
            }

            IHost client = CreateClient(target, gatewayPort, logPath);
            await Within(client.StartAsync, "connect to", target, cancellationToken);
            context.Ui.WriteLine($"cluster: connected to the {target.Description}; index '{choice.Name}'");
            return new ClusterSession(choice, folders, silo, client, logPath);
        }
        catch
        {
            await StopAsync(silo);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_client);
        await StopAsync(_silo);
    }

    private static IHost CreateSilo(
        EmbeddedSiloFolders folders,
        int siloPort,
        int gatewayPort,
        ClusterTarget target,
        int buildThreads,
        string logPath)
    {
        HostApplicationBuilder builder = QuietBuilder(logPath);
        builder.UseOrleans(silo => folders.Configure(silo, siloPort, gatewayPort, target, buildThreads));
        return builder.Build();
    }

    private static IHost CreateClient(ClusterTarget target, int gatewayPort, string logPath)
    {
        HostApplicationBuilder builder = QuietBuilder(logPath);
        builder.AddHyperdClient(o =>
        {
            o.AzureStorageConnectionString = target.ConnectionString;
            o.ClusterId = target.ClusterId;
            o.ServiceId = target.ServiceId;
            o.GatewayPort = gatewayPort;
            o.ConnectTimeout = ConnectTimeout;
            o.Tls = target.Tls;

            // The tool sends whole query files and rebuild requests as batches: an interactive search's 10 s deadline
            // would cut them short. Ctrl+C still cancels at once.
            o.SearchTimeout = TimeSpan.FromMinutes(5);
            o.CallTimeout = TimeSpan.FromMinutes(5);
        });
        return builder.Build();
    }

    /// <summary>No configuration sources, no console logging and no Ctrl+C hook: the tool owns its console and its cancellation.</summary>
    private static HostApplicationBuilder QuietBuilder(string logPath)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(new FileLoggerProvider(logPath, LogLevel.Warning));
        builder.Services.AddSingleton<IHostLifetime, ToolLifetime>();
        return builder;
    }

    private static async Task Within(Func<CancellationToken, Task> start, string what, ClusterTarget target, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await start(timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not CliException)
        {
            string reason = e is OperationCanceledException
                ? $"no answer within {ConnectTimeout.TotalSeconds:F0} s "
                    + $"({(target.Kind == ClusterKind.Azure ? "are silos of that cluster running?" : "is a silo running with that gateway port?")})"
                : OneLine(e.Message);
            throw new CliException($"could not {what} the {target.Description}: {reason}");
        }
    }

    private static async Task StopAsync(IHost? host)
    {
        if (host is null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await host.StopAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or Orleans.Runtime.OrleansException)
        {
            // A silo or client that cannot leave cleanly in time is dropped anyway.
        }

        host.Dispose();
    }

    private static string OneLine(string message)
    {
        int newline = message.IndexOfAny(['\r', '\n']);
        return (newline >= 0 ? message[..newline] : message).TrimEnd('.');
    }

    /// <summary>Starts and stops when told, and never listens to Ctrl+C itself.</summary>
    private sealed class ToolLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
