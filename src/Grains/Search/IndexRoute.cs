using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Grains.Search;

/// <summary>A coordinator's cached routing for one index generation: its info and the hasher built from its planes. Immutable.</summary>
internal sealed record IndexRoute(SearchInfo Info, LshHasher Hasher)
{
    public static IndexRoute From(SearchInfo info) => new(info, new LshHasher(info.Dimensions, info.Planes, info.Thresholds));
}
