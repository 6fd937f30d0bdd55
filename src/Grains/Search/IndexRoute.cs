using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Grains.Search;

/// <summary>
/// A coordinator's cached routing for one index generation: its info and the engine's search flow over the
/// generation's planes and every bucket's centroids (fetched once per generation). Immutable.
/// </summary>
internal sealed record IndexRoute(SearchInfo Info, SearchFlow Flow)
{
    public long Generation => Info.Generation;
}
