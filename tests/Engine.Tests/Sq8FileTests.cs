using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The SQ8 codes file on disk: its layout, damage detected at open naming the file, and a rebuild from an SQ8 generation.</summary>
public sealed class Sq8FileTests(Sq8IndexFixture fixture) : IClassFixture<Sq8IndexFixture>, IDisposable
{
    private const int D = Sq8IndexFixture.Dimensions;

    private readonly TempDirectory _folder = new("sq8-files");

    [Fact]
    public void CodesAreTheListsRowsEncodedDimensionMajorPerCluster()
    {
        BucketManifest entry = fixture.Sq8.Manifest.Buckets.First(b => b.Count > 0);
        using var lists = InvertedLists.Open(Path.Combine(fixture.Sq8Directory, entry.ListsFile!), D, entry.Clusters, verify: true);
        using var codes = QuantizedLists.Open(Path.Combine(fixture.Sq8Directory, entry.CodesFile!), lists, verify: true);

        foreach (int c in new[] { 0, entry.Clusters / 2, entry.Clusters - 1 })
        {
            int rows = lists.ListSize(c);
            ReadOnlySpan<float> vectors = lists.Vectors(c);
            ReadOnlySpan<byte> clusterCodes = codes.Codes(c, D);
            Assert.Equal(rows * D, clusterCodes.Length);
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < D; j++)
                {
                    Assert.Equal(codes.Quantizer.Encode(vectors[(r * D) + j], j), clusterCodes[(j * rows) + r]);
                }
            }
        }
    }

    [Fact]
    public void FlippedCodeByteIsDetected()
    {
        string index = fixture.CopySq8(_folder);
        string path = CodesPath(index);
        long at;
        using (MappedFile file = MappedFile.OpenRead(path))
        {
            at = SectionedFile.Read(file, QuantizedListsFile.Magic, QuantizedListsFile.Tags, verifySections: true).Sections[3].Offset + 17;
        }

        TestVectors.FlipByte(path, at);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: true));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("'CODE' checksum mismatch", error.Message);
    }

    [Fact]
    public void FlippedHeaderByteIsDetectedEvenWithoutVerify()
    {
        string index = fixture.CopySq8(_folder);
        string path = CodesPath(index);
        TestVectors.FlipByte(path, 16); // the count

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("header checksum", error.Message);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(-1000)]
    public void TruncatedCodesFileIsDetected(int keep)
    {
        string index = fixture.CopySq8(_folder);
        string path = CodesPath(index);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(keep > 0 ? keep : stream.Length + keep);
        }

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void MissingCodesFileIsNamed()
    {
        string index = fixture.CopySq8(_folder);
        string path = CodesPath(index);
        File.Delete(path);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));
        Assert.Equal(path, error.FilePath);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void CodesFileOfAnotherBucketIsRefused()
    {
        string index = fixture.CopySq8(_folder);
        BucketManifest[] buckets = [.. ManifestStore.Read(index).Buckets.Where(b => b.Count > 0)];
        string target = Path.Combine(index, buckets[0].CodesFile!);
        File.Copy(Path.Combine(index, buckets[1].CodesFile!), target, overwrite: true);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));
        Assert.Equal(target, error.FilePath);
    }

    [Fact]
    public void ManifestWithoutCodesFieldsOpensAsFloat32()
    {
        // A manifest written before SQ8 existed: the same JSON without the two codes fields.
        string index = fixture.CopySq8(_folder);
        IndexManifest manifest = ManifestStore.Read(index);
        ManifestStore.Write(index, manifest with { Buckets = [.. manifest.Buckets.Select(b => b with { CodesFile = null, CodesChecksum = null })] });
        Assert.DoesNotContain("codes", File.ReadAllText(ManifestStore.PathIn(index)), StringComparison.OrdinalIgnoreCase);

        using VectorIndex reopened = VectorIndex.Open(index, verify: true);

        Assert.False(reopened.IsQuantized);
        Assert.Equal(
            fixture.Float32.SearchBatch(fixture.Queries, 10, new SearchParameters(2, 5)),
            reopened.SearchBatch(fixture.Queries, 10, new SearchParameters(2, 5)));
    }

    [Fact]
    public void RebuildFromAnSq8GenerationWorks()
    {
        string index = fixture.CopySq8(_folder);
        IndexManifest before = ManifestStore.Read(index);
        var deleted = new HashSet<long>(Enumerable.Range(0, 1000).Select(i => (long)i * 7));

        var source = new GenerationSource(index, before, D, deleted, []);
        IndexManifest after = IndexBuilder.Build(source, index, Sq8IndexFixture.Options with { Storage = VectorStorage.Sq8 });

        Assert.Equal(before.Generation + 1, after.Generation);
        Assert.Equal(Sq8IndexFixture.Count - deleted.Count, after.Count);
        using VectorIndex rebuilt = VectorIndex.Open(index, verify: true);
        Assert.True(rebuilt.IsQuantized);
        Neighbor[][] answers = rebuilt.SearchBatch(fixture.Queries, 10);
        Assert.DoesNotContain(answers.SelectMany(a => a), n => deleted.Contains(n.Id));
        Neighbor[][] exact = [.. fixture.Exact.Select(a => a.Where(n => !deleted.Contains(n.Id)).ToArray())];
        double recall = exact.Select((e, q) => e.Count(n => answers[q].Any(x => x.Id == n.Id)) / (double)Math.Max(1, e.Length)).Average();
        Assert.True(recall >= 0.95, $"recall of the surviving exact neighbours after the rebuild is {recall:F4}");
    }

    public void Dispose() => _folder.Dispose();

    private static string CodesPath(string index) =>
        Path.Combine(index, ManifestStore.Read(index).Buckets.First(b => b.Count > 0).CodesFile!);
}
