using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Search;

/// <summary>
/// The routes of the indexes this silo coordinates, shared by every coordinator activation on it (one per core and per
/// coordinator key): each index's centroids are held once per silo, and an activation the silo starts while an index grain
/// is out of reach (its silo cut off, not yet declared dead) serves from the route the others fetched instead of waiting.
/// </summary>
internal sealed class IndexRouteCache
{
    private static readonly ConditionalWeakTable<ILocalSiloDetails, IndexRouteCache> PerSilo = [];
    private readonly ConcurrentDictionary<string, IndexRoute> _routes = new(StringComparer.Ordinal);

    /// <summary>
    /// The cache of the silo these details are of (a singleton per silo, so every silo in a process, as in a test cluster, has its
    /// own; an activation's service provider would be its own scope).
    /// </summary>
    public static IndexRouteCache Of(ILocalSiloDetails silo) => PerSilo.GetValue(silo, static _ => new IndexRouteCache());

    public IndexRoute? Get(string index) => _routes.GetValueOrDefault(index);

    /// <summary>
    /// The last one set wins, also over a newer generation's (an index deleted and created again starts over at a lower
    /// one); a stale route is caught by the buckets, which refuse a generation they no longer serve, and fetched again.
    /// </summary>
    public IndexRoute Set(string index, IndexRoute route) => _routes[index] = route;
}
