namespace HyperdOrleans.Abstractions;

/// <summary>
/// An index as its grain sees it. <see cref="Exists"/> is false until a first build completes. <see cref="Defaults"/>
/// are the probes a query without options gets (null from a silo that predates the field). <see cref="WriteFault"/> says why
/// appends and deletes are refused (the write-ahead log lost or damaged acknowledged records), null while they are accepted.
/// <see cref="Silo"/> is the silo running the index grain (the index's single writer and rebuild coordinator).
/// <see cref="Fields"/> is the data fields its rows carry (null: none).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.IndexStatus")]
public sealed record IndexStatus(
    [property: Id(0)] string Index,
    [property: Id(1)] bool Exists,
    [property: Id(2)] int Dimensions,
    [property: Id(3)] long Generation,
    [property: Id(4)] long Count,
    [property: Id(5)] BucketSummary[] Buckets,
    [property: Id(6)] RebuildProgress? Rebuild,
    [property: Id(7)] RebuildOutcome? LastRebuild,
    [property: Id(8)] long PendingOperations,
    [property: Id(9)] IndexDefaults? Defaults = null,
    [property: Id(10)] IndexStorage Storage = IndexStorage.Float32,
    [property: Id(11)] string? WriteFault = null,
    [property: Id(12)] string? Silo = null,
    [property: Id(13)] DataField[]? Fields = null);

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

/// <summary>
/// One bucket of the serving generation: its rows and clusters (from the index's manifest), and where each of its replicas runs
/// (<see cref="ReplicaSilos"/>[r] is replica r's silo, empty when it did not answer in time; null from a silo that predates replicas).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BucketSummary")]
public sealed record BucketSummary(
    [property: Id(0)] int Bucket,
    [property: Id(1)] long Count,
    [property: Id(2)] int Clusters,
    [property: Id(3)] string[]? ReplicaSilos = null,
    [property: Id(4)] int Shards = 1);

/// <summary>
/// An index's default search settings, which a query's <see cref="SearchOptions"/> override: set by a build (6 and 50)
/// or by tuning (<c>hyperd tune --cluster</c>, or <c>IIndexGrain.SetDefaultsAsync</c>), kept across rebuilds.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.IndexDefaults")]
public sealed record IndexDefaults(
    [property: Id(0)] int LshProbes,
    [property: Id(1)] int NProbe,
    [property: Id(2)] IndexTuning? Tuning = null);

/// <summary>How tuned defaults were chosen: the recall@k target and what the defaults reached on a sample of that many
/// queries, at that cost.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.IndexTuning")]
public sealed record IndexTuning(
    [property: Id(0)] double TargetRecall,
    [property: Id(1)] int K,
    [property: Id(2)] int SampleSize,
    [property: Id(3)] double SampleRecall,
    [property: Id(4)] double DotsPerQuery,
    [property: Id(5)] DateTimeOffset TunedUtc);
