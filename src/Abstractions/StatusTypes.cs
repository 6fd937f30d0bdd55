namespace HyperdOrleans.Abstractions;

/// <summary>
/// An index as its grain sees it. <see cref="Exists"/> is false until a first build completes. <see cref="Defaults"/>
/// are the probes a query without options gets (null from a silo that predates the field).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.IndexStatus")]
public sealed record IndexStatus(
    [property: Id(0)] string Index,
    [property: Id(1)] bool Exists,
    [property: Id(2)] int Dimensions,
    [property: Id(3)] long Generation,
    [property: Id(4)] long Count,
    [property: Id(5)] BucketFiles[] Buckets,
    [property: Id(6)] RebuildProgress? Rebuild,
    [property: Id(7)] RebuildOutcome? LastRebuild,
    [property: Id(8)] long PendingOperations,
    [property: Id(9)] ProbeDefaults? Defaults = null);

/// <summary>The probes an index answers with when a query names none (tuned, or the built-in defaults).</summary>
[GenerateSerializer, Immutable, Alias("hyperd.ProbeDefaults")]
public sealed record ProbeDefaults([property: Id(0)] int LshProbes, [property: Id(1)] int NProbe);

/// <summary>A running rebuild: its phase and each bucket job's progress.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.RebuildProgress")]
public sealed record RebuildProgress(
    [property: Id(0)] long Generation,
    [property: Id(1)] string Phase,
    [property: Id(2)] DateTimeOffset StartedUtc,
    [property: Id(3)] BuildJobStatus[] Jobs,
    [property: Id(4)] long PartitionDone,
    [property: Id(5)] long PartitionTotal);

/// <summary>How the last rebuild ended (and where its bucket jobs ran). A failed one left the previous generation serving.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.RebuildOutcome")]
public sealed record RebuildOutcome(
    [property: Id(0)] long Generation,
    [property: Id(1)] bool Succeeded,
    [property: Id(2)] string? Error,
    [property: Id(3)] double Seconds,
    [property: Id(4)] DateTimeOffset FinishedUtc,
    [property: Id(5)] string[] JobSilos);

/// <summary>A bucket's files in the file store (names relative to the index folder), as the engine's manifest lists them.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketFiles")]
public sealed record BucketFiles(
    [property: Id(0)] int Bucket,
    [property: Id(1)] long Count,
    [property: Id(2)] int Clusters,
    [property: Id(3)] string? CentroidsFile,
    [property: Id(4)] string? CentroidsChecksum,
    [property: Id(5)] string? ListsFile,
    [property: Id(6)] string? ListsChecksum,
    [property: Id(7)] string? CodesFile = null,
    [property: Id(8)] string? CodesChecksum = null);

/// <summary>A bucket grain's view of itself.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketStatus")]
public sealed record BucketStatus(
    [property: Id(0)] string Index,
    [property: Id(1)] int Bucket,
    [property: Id(2)] long Generation,
    [property: Id(3)] long Count,
    [property: Id(4)] int Clusters,
    [property: Id(5)] long PendingRows,
    [property: Id(6)] long PendingOperations,
    [property: Id(7)] string Silo);
