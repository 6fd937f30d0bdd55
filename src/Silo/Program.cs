using HyperdOrleans.Silo;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// With no configuration: the embedded single silo (localhost, files under the data directory).
// With Hyperd:Azure:ConnectionString: a member of an Azure-backed multi-silo cluster.
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddFilter("Polly", LogLevel.Warning);
builder.UseOrleans(silo => SiloConfiguration.Configure(silo, builder.Configuration));
await builder.Build().RunAsync();
