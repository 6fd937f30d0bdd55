using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// The index grain's persistent state: the engine's manifest of the generation being served (the one model of an
/// index: planes, bucket files, build settings, search defaults), the watermark of pending data each bucket folded
/// into it, how the last rebuild ended, the rebuild in flight, and the last generation number handed out, so an
/// abandoned rebuild's folder is never reused.
/// </summary>
[GenerateSerializer, Alias("hyperd.IndexState.v2")]
public sealed class IndexState
{
    /// <summary>Null until the first build completes.</summary>
    [Id(0)]
    public IndexManifest? Manifest { get; set; }

    [Id(1)]
    public long LastStartedGeneration { get; set; }

    [Id(2)]
    public long[] Watermarks { get; set; } = [];

    [Id(3)]
    public RebuildOutcome? LastRebuild { get; set; }

    /// <summary>The rebuild running now, for an activation that takes over to finish; null between rebuilds.</summary>
    [Id(4)]
    public RebuildCheckpoint? InFlight { get; set; }

    public bool Exists => Manifest is not null;
}
