using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Engine.Storage;

/// <summary>Reads, validates and atomically replaces an index directory's <c>manifest.json</c>. Thread-safe (stateless).</summary>
public static class ManifestStore
{
    public const string FileName = "manifest.json";

    public static string PathIn(string indexDirectory) => Path.Combine(indexDirectory, FileName);

    public static string GenerationFolder(long generation) => $"gen-{generation.ToString("D6", CultureInfo.InvariantCulture)}";

    public static bool Exists(string indexDirectory) => File.Exists(PathIn(indexDirectory));

    public static IndexManifest Read(string indexDirectory)
    {
        string path = PathIn(indexDirectory);
        if (!File.Exists(path))
        {
            throw new IndexFormatException(path, "no manifest: this directory holds no built index (run a build first).");
        }

        byte[] json = File.ReadAllBytes(path);
        IndexManifest manifest = Parse(json, path);
        string? stored = ChecksumAt(json, out _);

        // Checked before any field is trusted: a flipped digit in an LSH plane would otherwise be served silently.
        ulong actual = ContentChecksum(json);
        if (stored is null || stored != FormatChecksum(actual))
        {
            throw new IndexFormatException(path, stored is null
                ? "the manifest has no checksum field: it is damaged, or was not written by this engine (rebuild the index)."
                : $"manifest checksum mismatch (stored {stored}, computed {FormatChecksum(actual)}): the manifest is corrupted.");
        }

        return Validate(path, manifest);
    }

    public static void Write(string indexDirectory, IndexManifest manifest)
    {
        Validate(PathIn(indexDirectory), manifest);
        // The checksum's digits are the same length whatever their value, so hashing the zero-digit form first
        // gives the checksum of the final bytes with their digits zeroed: what Read recomputes.
        ulong checksum = XxHash64.HashToUInt64(Serialize(manifest with { Checksum = FormatChecksum(0) }));
        AtomicFile.WriteAllBytes(PathIn(indexDirectory), Serialize(manifest with { Checksum = FormatChecksum(checksum) }));
    }

    /// <summary>The manifest as manifest.json holds it (for a grain's state or a message); <see cref="FromJson"/> reads it back.</summary>
    public static string ToJson(IndexManifest manifest) => JsonSerializer.Serialize(manifest, ManifestJsonContext.Default.IndexManifest);

    /// <summary>Reads <see cref="ToJson"/>'s output and validates it; <paramref name="origin"/> names it in errors.</summary>
    public static IndexManifest FromJson(string json, string origin) => Validate(origin, Parse(Encoding.UTF8.GetBytes(json), origin));

    /// <summary>
    /// The manifest in <paramref name="json"/>, not yet validated; <see cref="IndexFormatException"/> naming
    /// <paramref name="origin"/> if it is no manifest.
    /// </summary>
    private static IndexManifest Parse(ReadOnlySpan<byte> json, string origin)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ManifestJsonContext.Default.IndexManifest)
                ?? throw new IndexFormatException(origin, "the manifest is empty.");
        }
        catch (JsonException e)
        {
            throw new IndexFormatException(origin, $"the manifest is not valid JSON: {e.Message}");
        }
    }

    private static byte[] Serialize(IndexManifest manifest)
        => JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.IndexManifest);

    /// <summary>xxHash64 of the manifest's bytes with the digits of its top-level checksum (if any) read as zeros.</summary>
    private static ulong ContentChecksum(byte[] json)
    {
        byte[] copy = (byte[])json.Clone();
        if (ChecksumAt(copy, out int offset) is string digits)
        {
            copy.AsSpan(offset, digits.Length).Fill((byte)'0');
        }

        return XxHash64.HashToUInt64(copy);
    }

    /// <summary>The top-level <c>checksum</c> string (16 unescaped characters) and where its characters start; null if there is none.</summary>
    private static string? ChecksumAt(byte[] json, out int offset)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("checksum"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && reader.ValueSpan.Length == 16)
                {
                    offset = (int)reader.TokenStartIndex + 1;
                    return reader.GetString();
                }

                break;
            }
        }

        offset = -1;
        return null;
    }

    /// <summary>Checks every field a reader relies on; the message names the manifest and the bad value.</summary>
    public static IndexManifest Validate(string path, IndexManifest m)
    {
        void Fail(string problem) => throw new IndexFormatException(path, problem);

        if (m.FormatVersion < 1 || m.FormatVersion > IndexManifest.CurrentFormatVersion)
        {
            Fail($"manifest format version {m.FormatVersion} is not supported (this build reads 1 to {IndexManifest.CurrentFormatVersion}).");
        }

        if (m.Metric != IndexManifest.CosineMetric)
        {
            Fail($"metric '{m.Metric}' is not supported; only '{IndexManifest.CosineMetric}' is.");
        }

        if (m.Dimensions < 1 || m.Dimensions > Io.FvecsHeader.MaxDimensions)
        {
            Fail($"dimensions {m.Dimensions} is out of range (1 to {Io.FvecsHeader.MaxDimensions}).");
        }

        if (m.Generation < 1)
        {
            Fail($"generation {m.Generation} is not positive.");
        }

        if (m.Lsh.Planes.Length != LshHasher.PlaneCount || m.Lsh.Planes.Any(p => p.Length != m.Dimensions)
            || m.Lsh.Thresholds.Length != LshHasher.PlaneCount)
        {
            Fail($"LSH needs {LshHasher.PlaneCount} planes of {m.Dimensions} values and {LshHasher.PlaneCount} thresholds.");
        }

        if (m.Buckets.Length != LshHasher.BucketCount)
        {
            Fail($"lists {m.Buckets.Length} buckets; an index has {LshHasher.BucketCount}.");
        }

        for (int b = 0; b < m.Buckets.Length; b++)
        {
            BucketManifest bucket = m.Buckets[b];
            bool sharded = bucket.Shards is not null;
            if (bucket.Bucket != b || bucket.Count < 0 || bucket.Clusters < 0 || (bucket.Count > 0) != (bucket.Clusters > 0)
                || (bucket.Count > 0 && (bucket.CentroidsFile is null || (bucket.ListsFile is null) != sharded))
                || (bucket.CodesFile is not null && (bucket.Count == 0 || sharded))
                || (bucket.Count > 0 && !sharded && (bucket.FieldsFile is null) != (m.Schema is null)))
            {
                Fail($"bucket entry {b} is inconsistent (bucket {bucket.Bucket}, {bucket.Count} vectors, {bucket.Clusters} clusters).");
            }

            if (bucket.Shards is { } shards && !ShardsTile(bucket, shards, m.Schema is not null))
            {
                Fail($"bucket {b}'s {shards.Length} shards do not tile its {bucket.Clusters} clusters and {bucket.Count} vectors.");
            }
        }

        long total = m.Buckets.Sum(b => b.Count);
        if (total != m.Count)
        {
            Fail($"buckets hold {total} vectors but the manifest says {m.Count}.");
        }

        if (m.Defaults.LshProbes < 1 || m.Defaults.LshProbes > LshHasher.BucketCount || m.Defaults.NProbe < 1)
        {
            Fail($"default probes ({m.Defaults.LshProbes}, {m.Defaults.NProbe}) are out of range.");
        }

        if (m.Tuning is { } t
            && (t.Generation < 1 || t.Generation > m.Generation || !(t.TargetRecall is > 0 and <= 1) || t.K < 1 || t.SampleSize < 1
                || !(t.SampleRecall is >= 0 and <= 1)))
        {
            Fail($"tuning record is inconsistent (generation {t.Generation}, target {t.TargetRecall}, k {t.K}, sample {t.SampleSize}, recall "
                + $"{t.SampleRecall}).");
        }

        if (m.Schema is { } schema)
        {
            try
            {
                schema.Validate();
            }
            catch (ArgumentException e)
            {
                Fail($"the field schema is invalid: {e.Message}");
            }
        }

        return m;
    }

    public static LshHasher ToHasher(this IndexManifest manifest) =>
        new(manifest.Dimensions, [.. manifest.Lsh.Planes.SelectMany(p => p)], manifest.Lsh.Thresholds);

    public static string FormatChecksum(ulong checksum) => checksum.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Whether shards cover the bucket's clusters in order without gaps, and their rows add up to its count.</summary>
    private static bool ShardsTile(BucketManifest bucket, ShardManifest[] shards, bool hasSchema)
    {
        int next = 0;
        foreach (ShardManifest shard in shards)
        {
            if (shard.FirstCluster != next || shard.Clusters < 1 || shard.Count < 0 || (shard.FieldsFile is null) == hasSchema)
            {
                return false;
            }

            next += shard.Clusters;
        }

        return shards.Length >= 2 && next == bucket.Clusters && shards.Sum(s => s.Count) == bucket.Count;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IndexManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
