using System.Net;
using HyperdOrleans.Client.Tls;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace HyperdOrleans.Storage.Tests;

/// <summary>
/// A throw-away certificate authority and leaf certificates issued by it, written as the files the silo and client
/// settings name (a PFX per leaf, the CA as PEM) in a temp folder that <see cref="Dispose"/> deletes.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    public const string Password = "test-only";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("hyperd-tls-test-");
    private readonly X509Certificate2 _authority;
    private int _issued;

    public TestCertificates(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        CaPath = Path.Combine(_folder.FullName, "ca.pem");
        File.WriteAllText(CaPath, _authority.ExportCertificatePem());
    }

    public string CaPath { get; }

    /// <summary>A new leaf for a silo or client (server and client authentication, SANs localhost and 127.0.0.1): its PFX path.</summary>
    public string Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")],
            critical: false));
        byte[] serial = BitConverter.GetBytes(Interlocked.Increment(ref _issued) + 1000L);
        using X509Certificate2 issued = request.Create(_authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);
        string path = Path.Combine(_folder.FullName, $"{name}.pfx");
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pfx, Password));
        return path;
    }

    /// <summary>Silo settings for a certificate issued here (<c>Hyperd:Tls:*</c>).</summary>
    public void AddSiloSettings(IDictionary<string, string?> settings, string name)
    {
        settings["Hyperd:Tls:CertificatePath"] = Issue(name);
        settings["Hyperd:Tls:CertificatePassword"] = Password;
        settings["Hyperd:Tls:CaPath"] = CaPath;
    }

    /// <summary>Client settings for a new certificate issued here.</summary>
    public MutualTlsOptions ClientOptions(string name) =>
        new() { CertificatePath = Issue(name), CertificatePassword = Password, CaPath = CaPath };

    public void Dispose()
    {
        _authority.Dispose();
        _folder.Delete(recursive: true);
    }
}
