using HyperdOrleans.Client.Tls;

namespace HyperdOrleans.Client;

/// <summary>How the client finds the cluster and how long it waits for it (configuration section <c>Hyperd:Client</c>).</summary>
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

    /// <summary>
    /// Deadline of a build request, status or defaults call (one long-poll of a rebuild wait gets
    /// its own bound). A call that misses it is cancelled and throws <see cref="TimeoutException"/>.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Deadline of an append or delete, retries included: an attempt that got no answer (its silo died, its gateway went away,
    /// it outlived <see cref="WriteAttemptTimeout"/>) is sent again, which is safe since writes are upserts and deletes by id.
    /// Past it the call throws <see cref="TimeoutException"/> and its outcome is unknown: retry it.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt of a write may go unanswered before it is sent again (within <see cref="WriteTimeout"/>).</summary>
    public TimeSpan WriteAttemptTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Deadline of a search; shorter than <see cref="CallTimeout"/> since a search whose bucket died should fail fast.</summary>
    public TimeSpan SearchTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one attempt of a search or read may go unanswered before the same request is sent again beside it (the first
    /// answer wins): a request lost with a killed gateway is never answered. Null (the default): a third of the call's deadline.
    /// </summary>
    public TimeSpan? SearchAttemptTimeout { get; set; }

    /// <summary>How long starting the client may try to reach a gateway before it fails with a message saying what to check.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Mutual TLS to the gateways: on when <see cref="MutualTlsOptions.CertificatePath"/> is set.</summary>
    public MutualTlsOptions Tls { get; set; } = new();
}
