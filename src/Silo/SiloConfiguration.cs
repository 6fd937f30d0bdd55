using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Hosting;
using Microsoft.Extensions.Configuration;

namespace HyperdOrleans.Silo;

/// <summary>Configures the silo from configuration: the embedded default, or a member of an Azure-backed cluster.</summary>
public static partial class SiloConfiguration
{
    public static void Configure(ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = new HyperdSiloSettings();
        IConfigurationSection section = configuration.GetSection(HyperdOptions.Section);
        section.Bind(settings);
        if (settings.IsAzure)
        {
            ConfigureAzure(silo, settings, configuration);
        }
        else
        {
            silo.UseHyperdEmbedded(settings.DataDirectory, settings.SiloPort, settings.GatewayPort, settings.ServiceId, settings.ClusterId, o => section.Bind(o));
        }
    }
}
