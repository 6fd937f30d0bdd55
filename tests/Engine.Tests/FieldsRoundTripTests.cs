using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>Every value given to a build reads back from the fields files, row for row beside the lists.</summary>
public sealed class FieldsRoundTripTests(FieldedIndexFixture fixture) : IClassFixture<FieldedIndexFixture>
{
    [Fact]
    public void EveryRowReadsBackAsBuilt()
    {
        int rows = 0;
        for (int b = 0; b < 8; b++)
        {
            if (fixture.Index.Bucket(b) is not { } bucket)
            {
                continue;
            }

            BucketFields fields = bucket.Fields!;
            InvertedLists lists = bucket.Lists;
            for (long row = 0; row < lists.Count; row++, rows++)
            {
                AssertSameValues(fixture.Values[lists.Id(row)], fields.ReadRow(row), lists.Id(row));
            }
        }

        Assert.Equal(FieldedIndexFixture.Count, rows);
    }

    [Fact]
    public void ReadFieldsFindsRowsByIdAndSkipsUnknownIds()
    {
        IReadOnlyDictionary<long, object?[]> found = fixture.Index.ReadFields([0, 13, 29_999, 123_456]);

        Assert.Equal([0L, 13L, 29_999L], found.Keys.Order());
        AssertSameValues(fixture.Values[13], found[13], 13);
    }

    [Fact]
    public void TheManifestCarriesTheSchemaAndEachBucketItsFieldsFile()
    {
        Assert.True(fixture.Manifest.Schema!.SameAs(FieldedIndexFixture.Schema));
        Assert.All(fixture.Manifest.Buckets.Where(b => b.Count > 0), b => Assert.NotNull(b.FieldsChecksum));
        Assert.All(fixture.Manifest.Buckets.Where(b => b.Count > 0), b => Assert.Contains(b.FieldsFile!, b.FileNames()));
    }

    [Fact]
    public void ARebuildFromTheGenerationKeepsEveryRowsFields()
    {
        using var folder = new TempDirectory("fields-rebuild");
        var source = new GenerationSource(fixture.IndexDirectory, fixture.Manifest, FieldedIndexFixture.Dimensions, new HashSet<long> { 5 }, []);

        IndexManifest rebuilt = IndexBuilder.Build(source, folder.Path, new IndexBuildOptions { Seed = 9, MinPointsPerCluster = 50 });
        using VectorIndex index = VectorIndex.Open(folder.Path);
        IReadOnlyDictionary<long, object?[]> found = index.ReadFields([.. Enumerable.Range(0, FieldedIndexFixture.Count).Select(i => (long)i)]);

        Assert.True(rebuilt.Schema!.SameAs(FieldedIndexFixture.Schema));
        Assert.Equal(FieldedIndexFixture.Count - 1, found.Count);
        Assert.False(found.ContainsKey(5));
        foreach ((long id, object?[] values) in found)
        {
            AssertSameValues(fixture.Values[id], values, id);
        }
    }

    [Fact]
    public void SchemaBytesRoundTrip()
    {
        Assert.True(FieldSchema.FromBytes(FieldedIndexFixture.Schema.ToBytes()).SameAs(FieldedIndexFixture.Schema));
    }

    [Fact]
    public void DictionariesAreSortedAndPostingsAscend()
    {
        BucketFields fields = fixture.Index.Bucket(0)!.Fields!;
        int category = FieldedIndexFixture.Schema.IndexOf("category");
        string[] values = [.. Enumerable.Range(0, fields.DictionarySize(category)).Select(c => fields.Value(category, c))];

        Assert.Equal(values.Order(StringComparer.Ordinal), values);
        for (int code = 0; code < values.Length; code++)
        {
            ReadOnlySpan<int> rows = fields.Postings(category, code);
            Assert.True(rows.Length > 0);
            for (int i = 1; i < rows.Length; i++)
            {
                Assert.True(rows[i - 1] < rows[i]);
            }

            Assert.Equal(code, fields.Lookup(category, values[code]));
        }
    }

    /// <summary>Indexed instants read back in UTC: equal instants, not equal offsets.</summary>
    private static void AssertSameValues(object?[] expected, object?[] actual, long id)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int f = 0; f < expected.Length; f++)
        {
            // Indexed tags keep each tag once, in first-seen order; a missing list reads back empty.
            object? want = FieldedIndexFixture.Schema.Fields[f].Type == FieldType.Tags
                ? ((string[]?)expected[f] ?? []).Distinct().ToArray()
                : expected[f];
            object? got = actual[f];
            if (want is DateTimeOffset t && FieldedIndexFixture.Schema.Fields[f].Indexed)
            {
                Assert.Equal(t.UtcDateTime, ((DateTimeOffset)got!).UtcDateTime);
                Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)got!).Offset);
            }
            else if (want is string[] w)
            {
                Assert.Equal(w, (string[])got!);
            }
            else
            {
                Assert.True(Equals(want, got), $"id {id} field {FieldedIndexFixture.Schema.Fields[f].Name}: {want} then {got}");
            }
        }
    }
}
