namespace HyperdOrleans.Engine.Build;

/// <summary>A progress report of a build: a phase (bucket-specific or not) and how far it has come.</summary>
public sealed record BuildProgress(string Phase, int? Bucket, long Done, long Total);
