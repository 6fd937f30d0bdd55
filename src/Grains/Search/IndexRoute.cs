using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Grains.Search;

/// <summary>
/// A coordinator's cached routing for one index generation: its manifest (planes, sizes, defaults) as of
/// <see cref="FetchedAt"/> and the engine's search flow over the planes and every bucket's centroids (fetched once
/// per generation). Immutable.
/// </summary>
internal sealed record IndexRoute(IndexManifest Manifest, SearchFlow Flow, long FetchedAt)
{
    public long Generation => Manifest.Generation;
}
