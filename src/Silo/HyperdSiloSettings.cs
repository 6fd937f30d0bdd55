namespace HyperdOrleans.Silo;

/// <summary>
/// The silo's own settings (configuration section <c>Hyperd</c>; environment variables <c>Hyperd__SiloPort</c> and so on).
/// Grain settings (<c>Hyperd:CacheDirectory</c>, <c>Hyperd:RebuildPendingThreshold</c>, …) bind to HyperdOptions from the same section.
/// </summary>
public sealed class HyperdSiloSettings
{
    /// <summary>Where the embedded default keeps grain state, cluster files and its cache.</summary>
    public string DataDirectory { get; set; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "hyperd");

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "hyperd";

    public string ServiceId { get; set; } = "hyperd";

    /// <summary>Multi-silo mode: set <c>Hyperd:Azure:ConnectionString</c> (Azurite: <c>UseDevelopmentStorage=true</c>).</summary>
    public AzureSettings Azure { get; set; } = new();

    public bool IsAzure => !string.IsNullOrWhiteSpace(Azure.ConnectionString);
}

/// <summary>Azure Storage for a multi-silo cluster: membership table, grain state, and the blob file store.</summary>
public sealed class AzureSettings
{
    public string? ConnectionString { get; set; }

    /// <summary>Blob container of the cluster files.</summary>
    public string FilesContainer { get; set; } = "hyperd-files";

    /// <summary>The address other silos reach this one on (loopback for a one-machine cluster).</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";
}
