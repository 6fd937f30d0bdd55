using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Hosting;
using Microsoft.Extensions.Configuration;

namespace HyperdOrleans.Silo;

/// <summary>Configures the silo from configuration: a member of an Azure-backed cluster when a connection string is set, else the embedded default.</summary>
public static class SiloConfiguration
{
    public static void Configure(ISiloBuilder silo, IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(HyperdOptions.Section);
        if (silo.ConfigureAzure(configuration))
        {
            silo.AddHyperd(o => section.Bind(o));
            return;
        }

        EmbeddedSiloSettings embedded = EmbeddedSiloSettings.Read(configuration);
        silo.UseHyperdEmbedded(embedded.DataDirectory, embedded.SiloPort, embedded.GatewayPort, embedded.ServiceId, embedded.ClusterId, o => section.Bind(o));
    }
}
