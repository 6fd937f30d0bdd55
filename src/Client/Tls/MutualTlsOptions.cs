namespace HyperdOrleans.Client.Tls;

/// <summary>
/// The certificate a silo or client presents and the certificate authority its peers must chain to (configuration
/// <c>Hyperd:Tls</c> on silos, <c>Hyperd:Client:Tls</c> on clients). Identity is "issued by this CA": silos and
/// gateways are dialled by IP address, so host names are not checked.
/// </summary>
public sealed class MutualTlsOptions
{
    /// <summary>PKCS#12 (.pfx) file with this process's certificate and private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX password; give it through the environment or a secret, never a committed file.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The CA certificate (PEM or DER) that every peer's certificate must chain to.</summary>
    public string? CaPath { get; set; }
}
