using System.Net;
using System.Net.Http.Headers;
using System.Text;
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

    [Fact]
    public void ADashboardBeyondLoopbackWithoutAPassword_RefusesToStart()
    {
        var ports = FreePorts.Take(3);
        var refused = Assert.Throws<InvalidOperationException>(() => BuildSilo(ports[0], ports[1], new()
        {
            ["Hyperd:Dashboard:Port"] = $"{ports[2]}",
            ["Hyperd:Dashboard:Host"] = "0.0.0.0",
        }));

        Assert.Contains("Hyperd:Dashboard:Password", refused.Message);
    }

    [Fact]
    public async Task WithAPassword_ARequestWithoutCredentialsGets401()
    {
        var ports = FreePorts.Take(3);
        await using var app = await StartWithPasswordAsync(ports);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{ports[2]}/"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        using var wrong = await http.SendAsync(Get(ports[2], "ops", "not-the-password"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public async Task WithAPassword_ARequestWithTheCredentialsGets200()
    {
        var ports = FreePorts.Take(3);
        await using var app = await StartWithPasswordAsync(ports);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };

        using var response = await http.SendAsync(Get(ports[2], "ops", "s3cret-dashboard"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Orleans Dashboard", await response.Content.ReadAsStringAsync());
        await app.StopAsync();
    }

    private static async Task<WebApplication> StartWithPasswordAsync(int[] ports)
    {
        var app = BuildSilo(ports[0], ports[1], new()
        {
            ["Hyperd:Dashboard:Port"] = $"{ports[2]}",
            ["Hyperd:Dashboard:User"] = "ops",
            ["Hyperd:Dashboard:Password"] = "s3cret-dashboard",
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(timeout.Token);
        return app;
    }

    private static HttpRequestMessage Get(int port, string user, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{port}/"));
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return request;
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
