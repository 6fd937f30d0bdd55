using HyperdOrleans.Client.Tls;
using Microsoft.Extensions.Configuration;

namespace HyperdOrleans.Silo;

/// <summary>
/// Mutual TLS of a multi-silo silo (configuration section <c>Hyperd:Tls</c>). Required: a silo that joins a cluster
/// without a certificate would accept any process that knows a gateway address and the cluster id, so it refuses
/// to start unless <c>Hyperd:Tls:Enabled=false</c> says explicitly that something else (a service mesh) secures the
/// traffic. The embedded single silo listens on loopback only and never uses TLS.
/// </summary>
public static class SiloTlsSettings
{
    public const string Section = "Hyperd:Tls";

    /// <summary>The certificate settings, or null when TLS is explicitly off; throws when TLS is on but not configured.</summary>
    public static MutualTlsOptions? Read(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var enabled = config[$"{Section}:Enabled"];
        if (!string.IsNullOrWhiteSpace(enabled))
        {
            if (!bool.TryParse(enabled, out var on))
            {
                throw new InvalidOperationException($"{Section}:Enabled must be true or false, got '{enabled}'.");
            }

            if (!on)
            {
                return null;
            }
        }

        var options = new MutualTlsOptions();
        config.GetSection(Section).Bind(options);
        var missing = new[]
        {
            (Key: "CertificatePath", Value: options.CertificatePath),
            (Key: "CaPath", Value: options.CaPath),
        }.Where(s => string.IsNullOrWhiteSpace(s.Value)).Select(s => $"{Section}:{s.Key}").ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"a multi-silo silo requires mutual TLS, but {string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} not set. "
                    + $"Set {Section}:CertificatePath (a .pfx with this silo's certificate and key), {Section}:CertificatePassword "
                    + $"(from the environment or a secret) and {Section}:CaPath (the CA every silo and client certificate is issued by); "
                    + $"infra/cluster.sh makes development ones. Or set {Section}:Enabled=false explicitly when a service mesh "
                    + "encrypts and authenticates the silos' traffic.");
        }

        return options;
    }
}
