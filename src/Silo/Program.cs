using HyperdOrleans.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// With no configuration: the embedded single silo (localhost, state and files under the data directory).
// With Hyperd:Azure:ConnectionString: a member of an Azure-backed multi-silo cluster.
// A web application only so that the optional dashboard (Hyperd:Dashboard:Port) can be served; without it no port opens.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Logging.AddFilter("Polly", LogLevel.Warning);
builder.ConfigureSiloHttp();
builder.UseOrleans(silo => SiloConfiguration.Configure(silo, builder.Configuration));
WebApplication app = builder.Build();
app.MapDashboardIfEnabled();
await app.RunAsync();
