namespace HyperdOrleans.Abstractions;

/// <summary>
/// A rebuild request. With <see cref="SourcePath"/> the index is built from that vector file (read by the
/// silo of the index grain; ids are row numbers) and replaces the index's contents; without it the index is
/// rebuilt from its own data: the current generation minus deletes plus pending appends.
/// <see cref="AcceptDataLoss"/> is the operator's way out after the store lost acknowledged writes and a bucket lost its
/// memory too (<see cref="IndexStatus.WriteFault"/> says so, and the automatic recovery failed): the rebuild keeps every row
/// the live buckets and the readable part of the log still hold, drops what is gone, and writes are accepted again.
/// <see cref="SourceObject"/> names a vector file in the cluster's own file store instead, under <c>imports/</c> (such as
/// <c>imports/vectors.fvecs</c>, uploaded with Azure.Storage.Blobs to the cluster's container or with <c>hyperd import upload</c>):
/// the silo of the index grain copies it to its scratch space and builds from that copy as from <see cref="SourcePath"/>.
/// Give one of the two, not both. <see cref="Shards"/> splits every bucket into that many shards (1 to 64; 0 lets the cluster's
/// rule choose from the index's size and its silos, which is also what a first build does unless told); a rebuild keeps the
/// last request's choice.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BuildRequest")]
public sealed record BuildRequest(
    [property: Id(0)] string? SourcePath = null,
    [property: Id(1)] int? RawDimensions = null,
    [property: Id(2)] int? Clusters = null,
    [property: Id(3)] int? Seed = null,
    [property: Id(4)] int? Iterations = null,
    [property: Id(5)] IndexStorage? Storage = null,
    [property: Id(6)] bool AcceptDataLoss = false,
    [property: Id(7)] string? SourceObject = null,
    [property: Id(8)] int? Shards = null);

/// <summary>
/// How a build stores the vectors: float32 rows only, or SQ8 codes scanned first (a quarter of the bytes) with the
/// float32 rows kept beside them for an exact re-rank of each query's best candidates.
/// </summary>
[GenerateSerializer, Alias("hyperd.IndexStorage")]
public enum IndexStorage
{
    Float32 = 0,
    Sq8 = 1,
}

/// <summary>The answer to <see cref="IIndexGrain.BuildAsync"/>: started (with the generation it builds) or refused, and why.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.RebuildTicket")]
public sealed record RebuildTicket([property: Id(0)] bool Accepted, [property: Id(1)] long Generation, [property: Id(2)] string Message);

/// <summary>Where a bucket's build job stands.</summary>
[GenerateSerializer, Alias("hyperd.BuildJobState")]
public enum BuildJobState
{
    /// <summary>This activation never ran the job (a fresh activation after its silo went away).</summary>
    Unknown,
    Running,
    Succeeded,
    Failed,
}

/// <summary>
/// One build job of a running rebuild, as a client sees it: where it runs and how far it got. A bucket split into shards has a
/// training job (<see cref="Shard"/> null) and then one job per shard.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.BuildJobStatus")]
public sealed record BuildJobStatus(
    [property: Id(0)] int Bucket,
    [property: Id(1)] BuildJobState State,
    [property: Id(2)] string Phase,
    [property: Id(3)] long Done,
    [property: Id(4)] long Total,
    [property: Id(5)] string Silo,
    [property: Id(6)] string? Error,
    [property: Id(7)] int? Shard = null);
