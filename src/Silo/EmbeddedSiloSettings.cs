namespace HyperdOrleans.Silo;

/// <summary>
/// Settings of the embedded single silo (configuration section <c>Hyperd</c>; environment variables such as
/// <c>Hyperd__DataDirectory</c>). Grain settings (<c>Hyperd:CacheDirectory</c>, <c>Hyperd:RebuildPendingThreshold</c>, …)
/// bind to HyperdOptions from the same section.
/// </summary>
public sealed class EmbeddedSiloSettings
{
    /// <summary>Where the embedded default keeps grain state, cluster files and its cache.</summary>
    public string DataDirectory { get; set; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
        "hyperd");

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "hyperd";

    public string ServiceId { get; set; } = "hyperd";
}
