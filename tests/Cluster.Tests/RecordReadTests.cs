using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// Stored rows read back without a query: by id (across file rows, pending rows, replacements and deletes, in the order asked)
/// and by filter (every live match, ordered by id, paged), with unit vectors and field values equal to what was written.
/// </summary>
public sealed class RecordReadTests : IAsyncLifetime
{
    private const int Rows = 3_000;
    private const int D = TestData.Dimensions;

    private static readonly DataField[] Schema =
    [
        new("category", DataFieldType.String, IsIndexed: true),
        new("band", DataFieldType.Long, IsIndexed: true),
        new("title", DataFieldType.String),
    ];

    private HyperdTestCluster _hyperd = null!;
    private float[] _vectors = null!;
    private float[] _extra = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(2, configure: o => o.FirstBuildRows = 1_000_000);
        var data = new TestData(_hyperd.Root, Rows);
        _vectors = VectorFile.Open(data.Path).ReadRows(0, Rows);
        _extra = data.Extra;
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    private HyperdClient Client => _hyperd.Client;

    [Fact]
    public async Task RowsReadByIdAndByFilterAreTheLiveRowsAsWritten_AcrossFilesPendingRowsReplacementsAndDeletes()
    {
        const string index = "records";
        var expected = await FillAsync(index);

        long[] asked = [2_999, 5, 7, 5, 1_000_000, 3_100, 20, 3_001];
        StoredRow[] got = await Client.GetAsync(index, asked, includeVectors: true);
        long[] present = [.. asked.Distinct().Where(expected.ContainsKey)];
        Assert.Equal(present, got.Select(r => r.Id));
        Assert.DoesNotContain(got, r => r.Id is 7 or 20 or 1_000_000);
        foreach (StoredRow row in got)
        {
            (float[] vector, object?[] fields) = expected[row.Id];
            AssertUnit(vector, row.Vector!);
            Assert.Equal(fields, row.Fields);
        }

        StoredRow[] bare = await Client.GetAsync(index, [5], includeVectors: false, includeFields: false);
        Assert.Null(Assert.Single(bare).Vector);
        Assert.Null(bare[0].Fields);

        // Every live row of category c3, in pages of 37, equals the rows written, ordered by id.
        long[] c3 = [.. expected.Where(e => (string?)e.Value.Fields[0] == "c3").Select(e => e.Key).Order()];
        var paged = new List<StoredRow>();
        for (int skip = 0; skip < c3.Length + 37; skip += 37)
        {
            paged.AddRange(await Client.QueryAsync(index, new FieldEqual("category", "c3"), top: 37, skip: skip, includeVectors: true));
        }

        Assert.Equal(c3, paged.Select(r => r.Id));
        Assert.All(paged, r => Assert.Equal(expected[r.Id].Fields, r.Fields));
        Assert.All(paged, r => AssertUnit(expected[r.Id].Vector, r.Vector!));

        StoredRow[] first = await Client.QueryAsync(index, null, top: 50);
        Assert.Equal(expected.Keys.Order().Take(50), first.Select(r => r.Id));
        FieldFilter lowBands = new FieldRange("band", FieldRangeOperator.LessThan, 10L) & !new FieldEqual("category", "c1");
        StoredRow[] banded = await Client.QueryAsync(index, lowBands, 500);
        Assert.Equal(
            expected.Where(e => (long)e.Value.Fields[1]! < 10 && (string?)e.Value.Fields[0] != "c1").Select(e => e.Key).Order().Take(500),
            banded.Select(r => r.Id));
    }

    [Fact]
    public async Task ReadsOfManyIdsGoInSeveralCalls_AndBadReadsAreRefusedByName()
    {
        const string index = "reads";
        var expected = await FillAsync(index);
        long[] many = [.. Enumerable.Range(0, 25_000).Select(i => (long)(i % 4_000))];
        StoredRow[] all = await Client.GetAsync(index, many, includeFields: false);
        Assert.Equal(expected.Keys.Order(), all.Select(r => r.Id).Order());

        var top = await Assert.ThrowsAsync<ArgumentException>(() => Client.QueryAsync(index, null, top: 0));
        Assert.Contains("top must be between 1 and", top.Message);
        var skip = await Assert.ThrowsAsync<ArgumentException>(() => Client.QueryAsync(index, null, top: 10, skip: -1));
        Assert.Contains("skip must be at least 0", skip.Message);
        var deep = await Assert.ThrowsAsync<ArgumentException>(() => Client.QueryAsync(index, null, top: 10, skip: 99_995));
        Assert.Contains("skip + top at most 100,000", deep.Message);
        var notIndexed = await Assert.ThrowsAsync<ArgumentException>(() => Client.QueryAsync(index, new FieldEqual("title", "row 1"), 10));
        Assert.Contains("'title', which is not indexed", notIndexed.Message);

        await Client.CreateIndexAsync("plain", D);
        await Client.UpsertAsync("plain", [1, 2], _vectors[..(2 * D)]);
        var noFields = await Assert.ThrowsAsync<ArgumentException>(() => Client.QueryAsync("plain", new FieldEqual("a", 1L), 10));
        Assert.Contains("has no data fields", noFields.Message);
        StoredRow[] plain = await Client.GetAsync("plain", [2, 1], includeVectors: true);
        Assert.Equal([2L, 1L], plain.Select(r => r.Id));
        Assert.All(plain, r => Assert.Null(r.Fields));

        await Assert.ThrowsAsync<KeyNotFoundException>(() => Client.GetAsync("missing", [1]));
    }

    /// <summary>
    /// Rows 0..3000 built into files, then: 3000..3200 appended pending, 5 and 3100 replaced with new vectors and values,
    /// 7 (a file row) and 20 + 3001.. (pending) deleted, 3001 written again. Returns the live rows by id.
    /// </summary>
    private async Task<Dictionary<long, (float[] Vector, object?[] Fields)>> FillAsync(string index)
    {
        var expected = new Dictionary<long, (float[] Vector, object?[] Fields)>();
        await Client.CreateIndexAsync(index, D, Schema);
        await Client.UpsertAsync(index, Ids(0, Rows), _vectors, Values(0, Rows));
        await Within.Phase("build", Client.BuildAsync(index, new BuildRequest()));
        for (int i = 0; i < Rows; i++)
        {
            expected[i] = (_vectors[(i * D)..((i + 1) * D)], Row(i));
        }

        float[] more = [.. Enumerable.Range(0, 200).SelectMany(i => _extra.AsSpan((i % (_extra.Length / D)) * D, D).ToArray())];
        await Client.UpsertAsync(index, Ids(Rows, Rows + 200), more, Values(Rows, Rows + 200));
        for (int i = 0; i < 200; i++)
        {
            expected[Rows + i] = (more[(i * D)..((i + 1) * D)], Row(Rows + i));
        }

        foreach (long id in new long[] { 5, 3_100 })
        {
            int source = (int)((id + 11) % Rows);
            float[] vector = _vectors[(source * D)..((source + 1) * D)];
            object?[] values = ["c3", 3L, $"replaced {id}"];
            await Client.AppendAsync(index, [id], vector, [values]);
            expected[id] = (vector, values);
        }

        long[] deleted = [7, 20, .. Ids(Rows + 1, Rows + 10)];
        await Client.DeleteAsync(index, deleted);
        Array.ForEach(deleted, id => expected.Remove(id));
        await Client.AppendAsync(index, [3_001], _vectors[..D], [Row(3_001)]);
        expected[3_001] = (_vectors[..D], Row(3_001));
        return expected;
    }

    private static void AssertUnit(float[] written, float[] read)
    {
        float[] unit = [.. written];
        VectorMath.NormalizeRows(unit, D, 0, "expected");
        Assert.Equal(D, read.Length);
        for (int j = 0; j < D; j++)
        {
            Assert.Equal(unit[j], read[j], 1e-5f);
        }
    }

    private static object?[] Row(int i) => [$"c{i % 10}", (long)(i * 7 % 100), $"row {i}"];

    private static object?[][] Values(int first, int end) => [.. Enumerable.Range(first, end - first).Select(Row)];

    private static long[] Ids(int first, int end) => [.. Enumerable.Range(first, end - first).Select(i => (long)i)];
}
