using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Dashboard;

namespace HyperdOrleans.Silo;

/// <summary>
/// The Orleans Dashboard needs an ASP.NET Core web application around the silo. These hooks keep that optional:
/// with <c>Hyperd:Dashboard:Port</c> set the silo serves the dashboard on that port (loopback unless
/// <c>Hyperd:Dashboard:Host</c> says otherwise), and without it the web host listens nowhere, so three silos
/// on one machine never fight over Kestrel's default port. A dashboard bound beyond loopback requires a login
/// (<c>Hyperd:Dashboard:Password</c>, user <c>Hyperd:Dashboard:User</c>, default <c>admin</c>): it shows live logs and
/// grain state, so the silo refuses to start when one is exposed without a password.
/// </summary>
public static class SiloDashboard
{
    /// <summary>The dashboard port, or null when the dashboard is off.</summary>
    public static int? Port(IConfiguration config)
    {
        var text = config["Hyperd:Dashboard:Port"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        return int.TryParse(text, out var port) && port is > 0 and <= 65535
            ? port
            : throw new InvalidOperationException($"Hyperd:Dashboard:Port must be a TCP port (1-65535), got '{text}'.");
    }

    /// <summary>Call on the builder before building: binds the dashboard URL, or replaces the server with one that never listens.</summary>
    public static WebApplicationBuilder ConfigureSiloHttp(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (Port(builder.Configuration) is { } port)
        {
            var host = builder.Configuration["Hyperd:Dashboard:Host"] is { Length: > 0 } h ? h : "127.0.0.1";
            if (!IsLoopback(host) && Password(builder.Configuration) is null)
            {
                throw new InvalidOperationException(
                    $"Hyperd:Dashboard:Host is '{host}', which is reachable from other machines, and no Hyperd:Dashboard:Password is "
                        + "set: the dashboard shows live logs and grain state. Set a password (user Hyperd:Dashboard:User, default "
                        + "admin), or leave the host unset to bind 127.0.0.1.");
            }

            builder.WebHost.UseUrls($"http://{host}:{port}");
        }
        else
        {
            builder.Services.AddSingleton<IServer, NoHttpServer>();
        }
        return builder;
    }

    /// <summary>Call inside <c>UseOrleans</c>: adds the dashboard's grains and services when it is on.</summary>
    public static ISiloBuilder AddDashboardIfEnabled(this ISiloBuilder silo, IConfiguration config)
    {
        if (Port(config) is not null)
        {
            silo.AddDashboard();
        }
        return silo;
    }

    /// <summary>Call on the built app: serves the dashboard at <c>/</c> when it is on.</summary>
    public static WebApplication MapDashboardIfEnabled(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (Port(app.Configuration) is not null)
        {
            if (Password(app.Configuration) is { } password)
            {
                var user = app.Configuration["Hyperd:Dashboard:User"] is { Length: > 0 } u ? u : "admin";
                app.Use(new DashboardBasicAuth(user, password).InvokeAsync);
            }

            app.MapOrleansDashboard();
        }
        return app;
    }

    private static string? Password(IConfiguration config) =>
        config["Hyperd:Dashboard:Password"] is { Length: > 0 } password ? password : null;

    /// <summary>Only a loopback address or <c>localhost</c> keeps the dashboard on this machine; <c>0.0.0.0</c>, <c>*</c>,
    /// <c>+</c> and any other name or address do not.</summary>
    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    /// <summary>An <see cref="IServer"/> that accepts the app and opens no socket.</summary>
    private sealed class NoHttpServer : IServer
    {
        public IFeatureCollection Features { get; } = new FeatureCollection();

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
