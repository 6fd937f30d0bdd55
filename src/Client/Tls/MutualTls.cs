using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace HyperdOrleans.Client.Tls;

/// <summary>
/// Loads the certificates of <see cref="MutualTlsOptions"/> and sets Orleans' <see cref="TlsOptions"/> for mutual TLS:
/// both ends present a certificate and each accepts only a peer whose certificate chains to the configured CA.
/// Silos and clients share it, so both ends apply the same rule. Thread-safe.
/// </summary>
public sealed class MutualTls
{
    private MutualTls(X509Certificate2 certificate, X509Certificate2 authority)
    {
        Certificate = certificate;
        Authority = authority;
    }

    /// <summary>This process's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA a peer's certificate must chain to.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>
    /// Reads and checks the files; <paramref name="keyPrefix"/> (<c>Hyperd:Tls</c>, <c>Hyperd:Client:Tls</c>) names the
    /// configuration keys in the messages, so a missing or unreadable file says which setting to fix.
    /// </summary>
    public static MutualTls Load(MutualTlsOptions options, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        string certificatePath = RequireFile(options.CertificatePath, $"{keyPrefix}:CertificatePath");
        string caPath = RequireFile(options.CaPath, $"{keyPrefix}:CaPath");
        X509Certificate2 certificate;
        X509Certificate2 authority;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(certificatePath, options.CertificatePassword);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"{keyPrefix}:CertificatePath '{certificatePath}' is not a PKCS#12 (.pfx) file this password opens "
                    + $"({keyPrefix}:CertificatePassword): {e.Message}",
                e);
        }

        try
        {
            authority = X509CertificateLoader.LoadCertificateFromFile(caPath);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{keyPrefix}:CaPath '{caPath}' is not a certificate (PEM or DER): {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{keyPrefix}:CertificatePath '{certificatePath}' holds no private key.");
        }

        if (!ChainsTo(certificate, authority))
        {
            // Caught here rather than as a refused handshake on every connection later.
            throw new InvalidOperationException(
                $"{keyPrefix}:CertificatePath '{certificatePath}' ({certificate.Subject}) is not issued by the CA of "
                    + $"{keyPrefix}:CaPath '{caPath}' ({authority.Subject}), or it has expired.");
        }

        return new MutualTls(certificate, authority);
    }

    /// <summary>Mutual TLS on <paramref name="options"/>: present <see cref="Certificate"/>, require and check the peer's.</summary>
    public void Apply(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.LocalCertificate = Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = Validate;

        // A peer that stalls the handshake holds a connection slot: give up well before the client's connect timeout.
        options.HandshakeTimeout = TimeSpan.FromSeconds(5);
    }

    /// <summary>
    /// True when <paramref name="certificate"/> chains to <paramref name="authority"/> alone (the machine's trusted
    /// roots play no part) and is valid now. Revocation is not checked: a development CA publishes no list.
    /// </summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 authority)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(authority);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        return chain.Build(certificate) && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span);
    }

    // The platform's own check fails on our private CA (not in the machine store) and on host names (peers are
    // dialled by IP), so those two errors are left to ChainsTo; a missing certificate is always refused.
    private bool Validate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors) =>
        (errors & SslPolicyErrors.RemoteCertificateNotAvailable) == 0 && ChainsTo(certificate, Authority);

    private static string RequireFile(string? path, string key)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidOperationException($"{key} is not set.");
        }

        return File.Exists(path) ? path : throw new InvalidOperationException($"{key} '{path}': no such file.");
    }
}
