using HyperdOrleans.Engine.Filters;

namespace HyperdOrleans.Bench.Filtered;

/// <summary>
/// One filter of the benchmark: the engine's <see cref="Filter"/> and the same predicate written over the labels by
/// hand (which post-filtering and exact filtered search use, and which every engine hit is checked against).
/// </summary>
public sealed record FilterCase(string Name, double TargetShare, Filter Filter, Func<long, bool> Keeps);
