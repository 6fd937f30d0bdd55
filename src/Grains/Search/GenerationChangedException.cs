namespace HyperdOrleans.Grains.Search;

/// <summary>A bucket no longer serves the generation a search was planned for: the coordinator refreshes its route and plans again.</summary>
internal sealed class GenerationChangedException(long planned, long served)
    : Exception($"a bucket serves generation {served}, not the planned {planned}.");
