using System.Text.Json.Serialization;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Engine.Storage;

/// <summary>
/// What an index directory holds right now: the generation being served, the LSH planes and thresholds, and
/// each bucket's files with their checksums. Written atomically by a build; immutable.
/// </summary>
public sealed record IndexManifest
{
    public const int CurrentFormatVersion = 1;
    public const string CosineMetric = "cosine";

    /// <summary>
    /// The manifest's own checksum, as every index file has one: xxHash64 (16 hex digits) of manifest.json's
    /// bytes with these 16 digits read as zeros. Set by <see cref="ManifestStore.Write"/>, checked by <see cref="ManifestStore.Read"/>.
    /// </summary>
    [JsonPropertyOrder(-1)]
    public string? Checksum { get; init; }

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    public string Metric { get; init; } = CosineMetric;

    public required int Dimensions { get; init; }

    public required long Count { get; init; }

    public required long Generation { get; init; }

    public required LshManifest Lsh { get; init; }

    public required BucketManifest[] Buckets { get; init; }

    public required BuildManifest Build { get; init; }

    /// <summary>The index's default probes (set by a build or by tuning); a query's own parameters override them.</summary>
    public SearchDefaults Defaults { get; init; } = new(SearchParameters.DefaultLshProbes, SearchParameters.DefaultNProbe);

    /// <summary>
    /// How <see cref="Defaults"/> were chosen by <c>hyperd tune</c>; null if they never were. Omitted from the JSON
    /// when null, so manifests written before tuning existed read (and checksum) unchanged.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TuningManifest? Tuning { get; init; }

    /// <summary>
    /// The data fields every row carries (each bucket's <see cref="BucketManifest.FieldsFile"/> holds them); null for an
    /// index of vectors only. Omitted from the JSON when null, so manifests written before fields existed read unchanged.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FieldSchema? Schema { get; init; }

    /// <summary>
    /// The manifest of a newly built generation: its planes, buckets and build, with the search defaults (and the tuning
    /// that chose them) carried over from <paramref name="previous"/>, the generation it replaces.
    /// </summary>
    public static IndexManifest ForGeneration(
        long generation,
        LshHasher hasher,
        BucketManifest[] buckets,
        BuildManifest build,
        IndexManifest? previous) => new()
    {
        Dimensions = hasher.Dimensions,
        Count = buckets.Sum(b => b.Count),
        Generation = generation,
        Lsh = new LshManifest(
            [.. Enumerable.Range(0, LshHasher.PlaneCount).Select(p => hasher.Planes.Slice(p * hasher.Dimensions, hasher.Dimensions).ToArray())],
            hasher.Thresholds.ToArray()),
        Buckets = buckets,
        Build = build,
        Defaults = previous?.Defaults ?? new SearchDefaults(SearchParameters.DefaultLshProbes, SearchParameters.DefaultNProbe),

        // Kept with the defaults it explains; its generation tells a reader it was measured on an earlier one.
        Tuning = previous?.Tuning,
    };
}

/// <summary>The three unit hyperplanes (each of <c>Dimensions</c> values) and their thresholds.</summary>
public sealed record LshManifest(float[][] Planes, float[] Thresholds);

/// <summary>
/// One bucket's share of the index. A bucket with no vectors has no files (null names). An SQ8 build adds the
/// codes file (<see cref="Ivf.QuantizedListsFile"/>); a float32 one, and every manifest written before SQ8, has none.
/// An index with data fields adds each bucket's fields file (<see cref="Fields.FieldsFile"/>). A bucket split into
/// <see cref="Shards"/> keeps one centroids file (every cluster: the planner ranks them together) and has no lists, codes or
/// fields file of its own: each shard has them for its range of clusters. Unsharded manifests omit <see cref="Shards"/>.
/// </summary>
public sealed record BucketManifest(
    int Bucket,
    long Count,
    int Clusters,
    string? CentroidsFile,
    string? CentroidsChecksum,
    string? ListsFile,
    string? ListsChecksum,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CodesFile = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CodesChecksum = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FieldsFile = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FieldsChecksum = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ShardManifest[]? Shards = null)
{
    /// <summary>How many shards serve the bucket (1 when it is not split).</summary>
    [JsonIgnore]
    public int ShardCount => Shards?.Length ?? 1;

    /// <summary>The bucket's files (relative to the index directory): centroids, lists, and codes and fields when it has them.</summary>
    public string[] FileNames() =>
        [.. new[] { CentroidsFile, ListsFile, CodesFile, FieldsFile }.OfType<string>(), .. (Shards ?? []).SelectMany(s => s.FileNames())];

    /// <summary>What shard <paramref name="shard"/> serves from: the centroids and its own lists, codes and fields.</summary>
    public string[] ShardFileNames(int shard) => Shards is { } shards
        ? [.. new[] { CentroidsFile }.OfType<string>(), .. shards[shard].FileNames()]
        : FileNames();

    /// <summary>Where each shard's clusters start, and <see cref="Clusters"/> at the end: shard s holds [starts[s], starts[s + 1]).</summary>
    public int[] ShardStarts() => Shards is { } shards ? [.. shards.Select(s => s.FirstCluster), Clusters] : [0, Clusters];
}

/// <summary>
/// One shard of a bucket: the contiguous clusters [<see cref="FirstCluster"/>, + <see cref="Clusters"/>) with their rows,
/// in files of the same formats as an unsharded bucket's (cluster numbers local to the shard).
/// </summary>
public sealed record ShardManifest(
    int FirstCluster,
    int Clusters,
    long Count,
    string ListsFile,
    string ListsChecksum,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CodesFile = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CodesChecksum = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FieldsFile = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FieldsChecksum = null)
{
    public string[] FileNames() => [.. new[] { ListsFile, CodesFile, FieldsFile }.OfType<string>()];
}

/// <summary>
/// How the generation was built, for reproducibility and for a rebuild from the index's own data, which reuses these
/// settings. <see cref="Storage"/> is omitted from the JSON when Float32, so float32 manifests read (and checksum) as before;
/// <see cref="RequestedShards"/> (what the operator asked for; 0 for the rule) when 0.
/// </summary>
public sealed record BuildManifest(
    string Source,
    int RequestedClusters,
    int MinPointsPerCluster,
    int Iterations,
    int MaxPointsPerCentroid,
    int Seed,
    DateTimeOffset CreatedUtc,
    double Seconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [property: JsonConverter(typeof(JsonStringEnumConverter<VectorStorage>))]
    VectorStorage Storage = VectorStorage.Float32,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    int RequestedShards = 0)
{
    /// <summary>The build options that reproduce this build's settings (a rebuild from the index's own data starts from them).</summary>
    public IndexBuildOptions ToOptions() => new()
    {
        Clusters = RequestedClusters,
        MinPointsPerCluster = MinPointsPerCluster,
        Iterations = Iterations,
        MaxPointsPerCentroid = MaxPointsPerCentroid,
        Seed = Seed,
        Storage = Storage,
        Shards = RequestedShards,
    };

    /// <summary>The record of a build that ran with <paramref name="options"/> over <paramref name="source"/>.</summary>
    public static BuildManifest Of(string source, IndexBuildOptions options, double seconds) =>
        new(
            source,
            options.Clusters,
            options.MinPointsPerCluster,
            options.Iterations,
            options.MaxPointsPerCentroid,
            options.Seed,
            DateTimeOffset.UtcNow,
            seconds,
            options.Storage,
            options.Shards);
}

public sealed record SearchDefaults(int LshProbes, int NProbe);

/// <summary>
/// A tuning run that set the defaults: the recall@<paramref name="K"/> target, the held-out sample it was measured on,
/// what the chosen defaults reached there, and their cost in dot products per query. A rebuild keeps it (with the
/// defaults), so <paramref name="Generation"/> may be older than the manifest's: tune again to re-measure.
/// </summary>
public sealed record TuningManifest(
    long Generation,
    double TargetRecall,
    int K,
    int SampleSize,
    double SampleRecall,
    double DotsPerQuery,
    DateTimeOffset TunedUtc);
