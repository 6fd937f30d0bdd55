using HyperdOrleans.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HyperdOrleans.Storage.Tests;

/// <summary>The dashboard hooks Program.cs calls, on a real single silo (localhost clustering, no Azurite).</summary>
public sealed class SiloDashboardTests
{
    [Fact]
    public async Task WithADashboardPort_TheSiloServesTheDashboard()
    {
        var ports = FreePorts.Take(3);
        await using var app = BuildSilo(ports[0], ports[1], new() { ["Hyperd:Dashboard:Port"] = $"{ports[2]}" });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(timeout.Token);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var page = await http.GetStringAsync($"http://127.0.0.1:{ports[2]}/");

        Assert.Contains("Orleans Dashboard", page);
        await app.StopAsync();
    }

    [Fact]
    public async Task WithoutADashboardPort_NothingListensForHttp()
    {
        var ports = FreePorts.Take(2);
        await using var app = BuildSilo(ports[0], ports[1], []);

        Assert.Equal("NoHttpServer", app.Services.GetRequiredService<IServer>().GetType().Name);
    }

    private static WebApplication BuildSilo(int siloPort, int gatewayPort, Dictionary<string, string?> settings)
    {
        // The same builder Program.cs uses; the in-memory settings win over anything in the environment.
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.ConfigureSiloHttp();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            silo.AddDashboardIfEnabled(builder.Configuration);
        });
        var app = builder.Build();
        app.MapDashboardIfEnabled();
        return app;
    }
}
