using HyperdOrleans.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// No configuration: the embedded single silo (localhost, files under Hyperd:DataDirectory).
// Hyperd:Azure:ConnectionString set: a member of an Azure-backed multi-silo cluster.
// Hyperd:Dashboard:Port set: the Orleans Dashboard on that (loopback) port.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.ConfigureSiloHttp();
builder.Logging.AddFilter("Polly", LogLevel.Warning);
builder.UseOrleans(silo =>
{
    SiloConfiguration.Configure(silo, builder.Configuration);
    silo.AddDashboardIfEnabled(builder.Configuration);
});
WebApplication app = builder.Build();
app.MapDashboardIfEnabled();
await app.RunAsync();
