using HyperdOrleans.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Security;

/// <summary>
/// Admits a call from a client only when its interface is in the client contract (<see cref="IIndexGrain"/>,
/// <see cref="ISearchCoordinatorGrain"/>, <see cref="IIndexCatalogGrain"/>, and <see cref="HyperdOptions.ClientCallableInterfaces"/>): a client that
/// reaches a gateway must not drive the internal bucket, build-job, routing or management grains. Calls between
/// silos, runtime calls without a source, and calls of a silo's own hosted client (silo code running outside a grain,
/// such as a continuation that left its grain's scheduler) pass untouched. Safe for concurrent calls.
/// </summary>
/// <remarks>
/// A client names its own id when it connects, so a client that copies a live silo's hosted-client id
/// (<c>hosted-</c> and the silo's address and generation) passes too: the filter keeps honest and careless clients
/// out of the internals; authenticating clients is the job of mutual TLS on the gateways.
/// </remarks>
public sealed class ClientContractFilter : IIncomingGrainCallFilter
{
    private const string HostedClientPrefix = "hosted-";

    /// <summary>
    /// Runtime endpoints every client calls (they pass through grain call filters too): the cluster's type manifest,
    /// fetched at connect and refreshed after, and the cancellation of a client's in-flight calls.
    /// </summary>
    private static readonly string[] RuntimeClientCalls =
    [
        "Orleans.Runtime.ISiloManifestSystemTarget",
        "Orleans.Runtime.IClusterManifestSystemTarget",
        "Orleans.Runtime.IGrainCallCancellationManagerSystemTarget",
        "Orleans.Runtime.IGrainCallCancellationExtension",
    ];

    /// <summary>
    /// The localhost (development) clustering of the embedded silo keeps its membership table in the silo, and a
    /// client reads it for the gateway list. Reading only: the methods that change rows stay internal.
    /// </summary>
    private const string MembershipTable = "Orleans.IMembershipTable";

    private static readonly string[] MembershipReads = ["ReadAll", "ReadAllAsync", "ReadRow", "ReadRowAsync"];

    private readonly HashSet<string> _contract;
    private readonly IClusterMembershipService _membership;
    private readonly SiloAddress _localSilo;

    public ClientContractFilter(IOptions<HyperdOptions> options, IClusterMembershipService membership, ILocalSiloDetails localSilo)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(localSilo);
        _membership = membership;
        _localSilo = localSilo.SiloAddress;
        _contract = new HashSet<string>(StringComparer.Ordinal)
        {
            typeof(IIndexGrain).FullName!,
            typeof(ISearchCoordinatorGrain).FullName!,
            typeof(IWriteRouterGrain).FullName!,
            typeof(IIndexCatalogGrain).FullName!,
        };
        _contract.UnionWith(RuntimeClientCalls);
        _contract.UnionWith(options.Value.ClientCallableInterfaces);
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.SourceId is { } source && GrainTypePrefix.IsClient(source) && !IsSilosHostedClient(source))
        {
            string name = InterfaceOf(context);
            bool membershipRead = name == MembershipTable && MembershipReads.Contains(context.MethodName, StringComparer.Ordinal);
            if (!membershipRead && !_contract.Contains(name))
            {
                throw new UnauthorizedAccessException(
                    $"'{name}' (called: {context.MethodName}) is internal to the cluster and not callable from a client; "
                        + $"clients call {nameof(IIndexGrain)}, {nameof(ISearchCoordinatorGrain)}, {nameof(IWriteRouterGrain)} and "
                        + $"{nameof(IIndexCatalogGrain)} "
                        + "(operators may add interfaces in Hyperd:ClientCallableInterfaces).");
            }
        }

        return context.Invoke();
    }

    /// <summary>Silo code outside a grain calls through its silo's hosted client, whose id is <c>hosted-{silo address}</c>.</summary>
    private bool IsSilosHostedClient(GrainId source)
    {
        string key = source.Key.ToString();
        if (!key.StartsWith(HostedClientPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            // This silo's own, also while it joins (the join writes the membership table through it), or another live silo's.
            SiloAddress silo = SiloAddress.FromParsableString(key[HostedClientPrefix.Length..]);
            return silo.Equals(_localSilo)
                || _membership.CurrentSnapshot.Members.TryGetValue(silo, out ClusterMember? member) && member.Status != SiloStatus.Dead;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            return false;
        }
    }

    private static string InterfaceOf(IIncomingGrainCallContext context) =>
        context.InterfaceMethod?.DeclaringType?.FullName ?? context.InterfaceName;
}
