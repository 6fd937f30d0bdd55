namespace HyperdOrleans.Engine.Tuning;

/// <summary>A progress report of a tuning run: "sample", "exact" (rows of the index scored) or "sweep" (settings measured).</summary>
public sealed record TuningProgress(string Phase, long Done, long Total);
