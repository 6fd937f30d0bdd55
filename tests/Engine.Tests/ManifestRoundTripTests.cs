using System.Globalization;
using System.IO.Hashing;
using System.Text;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>manifest.json: written atomically, read back equal, and checked field by field on the way in.</summary>
public sealed class ManifestRoundTripTests : IDisposable
{
    private readonly TempDirectory _folder = new("manifest");

    [Fact]
    public void WrittenManifestReadsBackEqual()
    {
        IndexManifest manifest = Sample();

        ManifestStore.Write(_folder.Path, manifest);
        IndexManifest read = ManifestStore.Read(_folder.Path);

        Assert.Equal(manifest.FormatVersion, read.FormatVersion);
        Assert.Equal(manifest.Metric, read.Metric);
        Assert.Equal(manifest.Dimensions, read.Dimensions);
        Assert.Equal(manifest.Count, read.Count);
        Assert.Equal(manifest.Generation, read.Generation);
        Assert.Equal(manifest.Lsh.Planes.Length, read.Lsh.Planes.Length);
        for (int p = 0; p < manifest.Lsh.Planes.Length; p++)
        {
            Assert.Equal(manifest.Lsh.Planes[p], read.Lsh.Planes[p]); // floats survive JSON bit for bit
        }

        Assert.Equal(manifest.Lsh.Thresholds, read.Lsh.Thresholds);
        Assert.Equal(manifest.Buckets, read.Buckets);
        Assert.Equal(manifest.Build, read.Build);
        Assert.Equal(manifest.Defaults, read.Defaults);
        Assert.Equal(["manifest.json"], TestVectors.Listing(_folder.Path)); // no temporary file left behind
    }

    /// <summary>The JSON form grain state and messages carry: the build's storage kind survives; float32 (the default) is not written.</summary>
    [Fact]
    public void JsonFormKeepsTheStorageKindAndOmitsTheDefault()
    {
        IndexManifest sq8 = Sample() with { Build = Sample().Build with { Storage = VectorStorage.Sq8 } };
        string json = ManifestStore.ToJson(sq8);
        Assert.Contains("\"storage\": \"Sq8\"", json);
        IndexManifest back = ManifestStore.FromJson(json, "test");
        Assert.Equal(VectorStorage.Sq8, back.Build.Storage);
        Assert.Equal(sq8.Build, back.Build);
        Assert.DoesNotContain("storage", ManifestStore.ToJson(Sample()));
        Assert.Throws<IndexFormatException>(() => ManifestStore.FromJson(json.Replace("\"generation\": 3", "\"generation\": 0"), "test"));
    }

    [Fact]
    public void InconsistentManifestIsNeitherWrittenNorRead()
    {
        IndexManifest wrong = Sample() with { Count = 999 };

        var error = Assert.Throws<IndexFormatException>(() => ManifestStore.Write(_folder.Path, wrong));

        Assert.Contains("buckets hold 80 vectors but the manifest says 999", error.Message);
        Assert.False(ManifestStore.Exists(_folder.Path));
    }

    [Theory]
    [InlineData("\"metric\": \"cosine\"", "\"metric\": \"l2\"", "metric 'l2' is not supported")]
    [InlineData("\"formatVersion\": 1", "\"formatVersion\": 7", "manifest format version 7 is not supported")]
    [InlineData("\"generation\": 3", "\"generation\": 0", "generation 0 is not positive")]
    [InlineData("\"dimensions\": 4", "\"dimensions\": 5", "LSH needs 3 planes of 5 values")]
    public void OutOfRangeFieldsAreNamed(string field, string replacement, string expected)
    {
        ManifestStore.Write(_folder.Path, Sample());
        string path = ManifestStore.PathIn(_folder.Path);
        string json = File.ReadAllText(path);
        Assert.Contains(field, json);
        File.WriteAllText(path, json.Replace(field, replacement, StringComparison.Ordinal));
        Rechecksum(path); // a consistent checksum, so the field checks behind it are reached

        var error = Assert.Throws<IndexFormatException>(() => ManifestStore.Read(_folder.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ChecksumCoversEveryByteButItsOwnDigits()
    {
        ManifestStore.Write(_folder.Path, Sample());
        string path = ManifestStore.PathIn(_folder.Path);
        byte[] written = File.ReadAllBytes(path);

        Rechecksum(path); // the checksum as the format defines it, computed here independently

        Assert.Equal(written, File.ReadAllBytes(path));
    }

    [Fact]
    public void HandEditWithoutNewChecksumIsRefused()
    {
        ManifestStore.Write(_folder.Path, Sample());
        string path = ManifestStore.PathIn(_folder.Path);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"nProbe\": 32", "\"nProbe\": 31", StringComparison.Ordinal));

        var error = Assert.Throws<IndexFormatException>(() => ManifestStore.Read(_folder.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("manifest checksum mismatch", error.Message);
    }

    /// <summary>Rewrites the manifest's checksum: xxHash64 of its bytes with the checksum's 16 digits as zeros.</summary>
    private static void Rechecksum(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        byte[] key = "\"checksum\": \""u8.ToArray();
        int digits = bytes.AsSpan().IndexOf(key) + key.Length;
        Assert.True(digits >= key.Length, "no checksum in the manifest");
        bytes.AsSpan(digits, 16).Fill((byte)'0');
        byte[] hex = Encoding.ASCII.GetBytes(XxHash64.HashToUInt64(bytes).ToString("x16", CultureInfo.InvariantCulture));
        hex.CopyTo(bytes, digits);
        File.WriteAllBytes(path, bytes);
    }

    private static IndexManifest Sample()
    {
        var random = new Random(1);
        float[] Plane() => [.. Enumerable.Range(0, 4).Select(_ => (random.NextSingle() * 2f) - 1f)];
        return new IndexManifest
        {
            Dimensions = 4,
            Count = 80,
            Generation = 3,
            Lsh = new LshManifest([Plane(), Plane(), Plane()], [0.1f, -0.25f, 1f / 3f]),
            Buckets = [.. Enumerable.Range(0, 8).Select(b => new BucketManifest(
                b,
                10,
                2,
                $"gen-000003/bucket-{b}.centroids",
                "0123456789abcdef",
                $"gen-000003/bucket-{b}.lists",
                "fedcba9876543210"))],
            Build = new BuildManifest("/data/base.fvecs", 1000, 100, 20, 64, 42, new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), 12.5),
            Defaults = new SearchDefaults(4, 32),
        };
    }

    public void Dispose() => _folder.Dispose();
}
