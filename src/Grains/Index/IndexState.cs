using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// The index grain's persistent state: the manifest of the generation being served (planes, thresholds,
/// bucket files, the watermark of pending data each bucket folded in), the build settings, and the last
/// generation number handed out, so an abandoned rebuild's folder is never reused.
/// </summary>
[GenerateSerializer, Alias("hyperd.IndexState")]
public sealed class IndexState
{
    [Id(0)]
    public int Dimensions { get; set; }

    /// <summary>0 until the first build completes.</summary>
    [Id(1)]
    public long Generation { get; set; }

    [Id(2)]
    public long LastStartedGeneration { get; set; }

    [Id(3)]
    public float[] Planes { get; set; } = [];

    [Id(4)]
    public float[] Thresholds { get; set; } = [];

    [Id(5)]
    public BucketFiles[] Buckets { get; set; } = [];

    [Id(6)]
    public long Count { get; set; }

    [Id(7)]
    public int DefaultLshProbes { get; set; } = Engine.SearchParameters.DefaultLshProbes;

    [Id(8)]
    public int DefaultNProbe { get; set; } = Engine.SearchParameters.DefaultNProbe;

    [Id(9)]
    public long[] Watermarks { get; set; } = [];

    [Id(10)]
    public RebuildOutcome? LastRebuild { get; set; }

    [Id(11)]
    public BuildSettings Settings { get; set; } = new();

    [Id(12)]
    public string Source { get; set; } = "";

    public bool Exists => Generation > 0;
}

/// <summary>The build settings a rebuild from the index's own data reuses.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.BuildSettings")]
public sealed record BuildSettings(
    [property: Id(0)] int Clusters = 1000,
    [property: Id(1)] int MinPointsPerCluster = 100,
    [property: Id(2)] int Iterations = 20,
    [property: Id(3)] int MaxPointsPerCentroid = 64,
    [property: Id(4)] int Seed = 42,
    [property: Id(5)] IndexStorage Storage = IndexStorage.Float32);
