namespace HyperdOrleans.Client;

/// <summary>How the client finds the cluster (configuration section <c>Hyperd:Client</c>).</summary>
public sealed class HyperdClientOptions
{
    public const string Section = "Hyperd:Client";

    /// <summary>
    /// Azure Storage connection string of the cluster's membership table; when set the client uses Azure Table
    /// clustering (<c>UseDevelopmentStorage=true</c> for Azurite). Unset: a localhost silo's gateway.
    /// </summary>
    public string? AzureStorageConnectionString { get; set; }

    public string ClusterId { get; set; } = "hyperd";

    public string ServiceId { get; set; } = "hyperd";

    /// <summary>The gateway port of a localhost silo (the embedded default's).</summary>
    public int GatewayPort { get; set; } = 30000;
}
