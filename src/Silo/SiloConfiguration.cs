using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Hosting;
using Microsoft.Extensions.Configuration;

namespace HyperdOrleans.Silo;

/// <summary>Configures the silo from configuration: a member of an Azure-backed cluster, or the embedded default.</summary>
public static class SiloConfiguration
{
    public static void Configure(ISiloBuilder silo, IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(HyperdOptions.Section);
        if (silo.ConfigureAzure(configuration))
        {
            // Several silos: two copies of every bucket, so losing one silo fails no search (Hyperd:Replicas overrides).
            silo.AddHyperd(o =>
            {
                o.Replicas = 2;
                section.Bind(o);
            });
        }
        else
        {
            var settings = new EmbeddedSiloSettings();
            section.Bind(settings);
            silo.UseHyperdEmbedded(
                settings.DataDirectory,
                settings.SiloPort,
                settings.GatewayPort,
                settings.ServiceId,
                settings.ClusterId,
                o => section.Bind(o));
        }

        silo.AddDashboardIfEnabled(configuration);
    }
}
