using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>A missing, truncated or damaged fields file is refused at open with an error naming it; each test damages its own copy.</summary>
public sealed class FieldsCorruptionTests(FieldedIndexFixture fixture) : IClassFixture<FieldedIndexFixture>, IDisposable
{
    private const int Bucket = 2;

    private readonly TempDirectory _folder = new("fields-corruption");

    [Fact]
    public void TheUndamagedCopyOpensWithItsFields()
    {
        using VectorIndex index = VectorIndex.Open(fixture.CopyIndex(_folder), verify: true);

        Assert.NotNull(index.Bucket(Bucket)!.Fields);
    }

    [Fact]
    public void MissingFieldsFileIsNamed()
    {
        string index = fixture.CopyIndex(_folder);
        string path = FieldsPath(index);
        File.Delete(path);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("missing", error.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100)]
    [InlineData(20)]
    public void TruncatedFieldsFileIsNamed(int keepBytes)
    {
        string index = fixture.CopyIndex(_folder);
        string path = FieldsPath(index);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(keepBytes >= 0 ? keepBytes : stream.Length / 2);
        }

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData(1)] // magic
    [InlineData(8)] // field count
    [InlineData(16)] // row count
    [InlineData(40)] // the section table
    public void FlippedHeaderByteIsCaughtEvenWithoutVerify(int offset)
    {
        string index = fixture.CopyIndex(_folder);
        string path = FieldsPath(index);
        TestVectors.FlipByte(path, offset);

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: false));

        Assert.Equal(path, error.FilePath);
    }

    [Theory]
    [InlineData("SCHM")]
    [InlineData("C000")]
    [InlineData("D001")]
    [InlineData("P005")]
    [InlineData("ROWB")]
    public void FlippedDataByteIsCaughtByVerify(string section)
    {
        string index = fixture.CopyIndex(_folder);
        string path = FieldsPath(index);
        SectionedFile.Section target = Sections(path).Single(s => s.Tag == section);
        TestVectors.FlipByte(path, target.Offset + (target.Length / 2));

        var error = Assert.Throws<IndexFormatException>(() => VectorIndex.Open(index, verify: true));

        Assert.Equal(path, error.FilePath);
        Assert.Contains($"section '{section}' checksum mismatch", error.Message);
    }

    [Fact]
    public void AFieldsFileOfAnotherSchemaIsRefused()
    {
        string index = fixture.CopyIndex(_folder);
        string path = FieldsPath(index);
        FieldSchema other = FieldedIndexFixture.Schema with { Fields = [.. FieldedIndexFixture.Schema.Fields.Reverse()] };
        using VectorIndex open = VectorIndex.Open(index);

        var error = Assert.Throws<IndexFormatException>(() => BucketFields.Open(path, other, open.Bucket(Bucket)!.Lists, verify: false));

        Assert.Contains("the index's schema is", error.Message);
    }

    private string FieldsPath(string index) => Path.Combine(index, fixture.Manifest.Buckets[Bucket].FieldsFile!);

    private static SectionedFile.Section[] Sections(string path)
    {
        using MappedFile file = MappedFile.OpenRead(path);
        return SectionedFile.ReadAny(file, FieldsFile.Magic, 100, verifySections: false).Sections;
    }

    public void Dispose() => _folder.Dispose();
}
