using System.Text;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// Missing, truncated and corrupted index files are refused at open with an <see cref="IndexFormatException"/>
/// naming the damaged file, so nothing damaged is ever served. Each test damages its own copy of the index.
/// </summary>
public sealed class CorruptionTests(SmallIndexFixture fixture) : IClassFixture<SmallIndexFixture>, IDisposable
{
    private const int Bucket = 3;

    private readonly TempDirectory _folder = new("corruption");

    public enum Kind
    {
        Centroids,
        Lists,
    }

    [Fact]
    public void TheUndamagedCopyOpensAndAnswers()
    {
        using VectorIndex index = VectorIndex.Open(fixture.CopyIndex(_folder), verify: true);

        Assert.Equal(SmallIndexFixture.Count, index.Count);
        Assert.Equal(10, index.Search(fixture.Queries.AsSpan(0, SmallIndexFixture.Dimensions), 10).Length);
    }

    [Fact]
    public void MissingManifestIsNamed()
    {
        string empty = _folder.File("empty");
        Directory.CreateDirectory(empty);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(empty));

        Assert.Equal(ManifestStore.PathIn(empty), error.FilePath);
        Assert.Contains("manifest.json", error.Message);
        Assert.Contains("no manifest", error.Message);
    }

    [Theory]
    [InlineData(Kind.Centroids)]
    [InlineData(Kind.Lists)]
    public void MissingBucketFileIsNamed(Kind kind)
    {
        string index = fixture.CopyIndex(_folder);
        string path = FileOf(index, kind);
        File.Delete(path);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Theory]
    [InlineData(Kind.Centroids, -1, "truncated")]
    [InlineData(Kind.Lists, -1, "truncated")]
    [InlineData(Kind.Lists, 100, "truncated")]
    [InlineData(Kind.Lists, 20, "truncated")]
    [InlineData(Kind.Centroids, 0, "empty")]
    public void TruncatedBucketFileIsNamed(Kind kind, int keepBytes, string problem)
    {
        string index = fixture.CopyIndex(_folder);
        string path = FileOf(index, kind);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(keepBytes >= 0 ? keepBytes : stream.Length / 2);
        }

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData(Kind.Centroids, 1)] // magic
    [InlineData(Kind.Centroids, 8)] // dimensions
    [InlineData(Kind.Centroids, 44)] // section table: offset
    [InlineData(Kind.Lists, 12)] // clusters
    [InlineData(Kind.Lists, 16)] // vector count
    [InlineData(Kind.Lists, 88)] // section table: the second section's stored checksum
    [InlineData(Kind.Lists, 112)] // section table: the third section's length
    [InlineData(Kind.Lists, -1)] // the header checksum itself
    public void FlippedHeaderByteIsCaughtEvenWithoutVerify(Kind kind, int offset)
    {
        string index = fixture.CopyIndex(_folder);
        string path = FileOf(index, kind);
        long at = offset >= 0 ? offset : SectionedFile.HeaderBytes(kind == Kind.Lists ? 3 : 1) - 1;
        TestVectors.FlipByte(path, at);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));

        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData(Kind.Centroids, "CENT")]
    [InlineData(Kind.Lists, "OFFS")]
    [InlineData(Kind.Lists, "VECS")]
    [InlineData(Kind.Lists, "IDS ")]
    public void FlippedDataByteIsCaughtByVerify(Kind kind, string section)
    {
        string index = fixture.CopyIndex(_folder);
        string path = FileOf(index, kind);
        SectionedFile.Section target = Sections(path, kind).Single(s => s.Tag == section);
        TestVectors.FlipByte(path, target.Offset + (target.Length / 2) + 1);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: true));

        Assert.Equal(path, error.FilePath);
        Assert.Contains($"section '{section}' checksum mismatch", error.Message);
        Assert.Contains("corrupted", error.Message);
    }

    [Theory]
    [InlineData("first byte")]
    [InlineData("plane value")]
    [InlineData("threshold value")]
    [InlineData("bucket count")]
    [InlineData("file name")]
    [InlineData("file checksum")]
    [InlineData("defaults key")]
    [InlineData("default nprobe")]
    public void FlippedManifestByteIsCaught(string where)
    {
        string index = fixture.CopyIndex(_folder);
        string path = ManifestStore.PathIn(index);
        string json = File.ReadAllText(path);
        Assert.True(Encoding.UTF8.GetByteCount(json) == json.Length, "the manifest is ASCII, so text positions are byte positions");
        TestVectors.FlipByte(path, ManifestPosition(json, where));

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: true));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("manifest.json", error.Message);
    }

    [Fact]
    public void ACentroidsFileInPlaceOfAListsFileIsRefused()
    {
        string index = fixture.CopyIndex(_folder);
        string lists = FileOf(index, Kind.Lists);
        File.Copy(FileOf(index, Kind.Centroids), lists, overwrite: true);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));

        Assert.Equal(lists, error.FilePath);
    }

    [Fact]
    public void AnotherBucketsWellFormedFileInPlaceOfThisOnesIsRefused()
    {
        string index = fixture.CopyIndex(_folder);
        string lists = FileOf(index, Kind.Lists);
        BucketManifest other = fixture.Manifest.Buckets.First(b => b.Bucket != Bucket && b.Count > 0);
        File.Copy(Path.Combine(index, other.ListsFile!), lists, overwrite: true);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: true));

        Assert.Equal(lists, error.FilePath);
    }

    [Fact]
    public void AVectorFileInPlaceOfAListsFileIsRefused()
    {
        string index = fixture.CopyIndex(_folder);
        string lists = FileOf(index, Kind.Lists);
        long length = new FileInfo(lists).Length;
        new HyperdOrleans.Evaluation.Data.SyntheticData(
            HyperdOrleans.Evaluation.Data.SyntheticKind.Clustered, SmallIndexFixture.Dimensions, 5).WriteFile(lists, (int)(length / 400) + 1);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));

        Assert.Equal(lists, error.FilePath);
    }

    private static int ManifestPosition(string json, string where)
    {
        int After(string marker, int from = 0)
        {
            int at = json.IndexOf(marker, from, StringComparison.Ordinal);
            Assert.True(at >= 0, $"'{marker}' not in the manifest");
            return at + marker.Length;
        }

        int FirstNonZeroDigit(int from) => json.IndexOfAny("123456789".ToCharArray(), from);

        return where switch
        {
            "first byte" => 0,
            "plane value" => FirstNonZeroDigit(After("\"planes\"")),
            "threshold value" => FirstNonZeroDigit(After("\"thresholds\"")),
            "bucket count" => FirstNonZeroDigit(After("\"count\"", After("\"buckets\""))),
            "file name" => After($"\"listsFile\": \"{ManifestStore.GenerationFolder(1)}/"),
            "file checksum" => After("\"listsChecksum\": \""),
            "defaults key" => After("\"defaults\"") - 3,
            "default nprobe" => FirstNonZeroDigit(After("\"nProbe\"", After("\"defaults\""))),
            _ => throw new ArgumentOutOfRangeException(nameof(where), where, null),
        };
    }

    private string FileOf(string index, Kind kind)
    {
        BucketManifest bucket = fixture.Manifest.Buckets[Bucket];
        Assert.True(bucket.Count > 0);
        return Path.Combine(index, kind == Kind.Lists ? bucket.ListsFile! : bucket.CentroidsFile!);
    }

    private static SectionedFile.Section[] Sections(string path, Kind kind)
    {
        using MappedFile file = MappedFile.OpenRead(path);
        return kind == Kind.Lists
            ? SectionedFile.Read(file, InvertedListsFile.Magic, InvertedListsFile.Tags, verifySections: true).Sections
            : SectionedFile.Read(file, CentroidsFile.Magic, ["CENT"], verifySections: true).Sections;
    }

    public void Dispose() => _folder.Dispose();
}
