using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Buckets;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Xunit.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// Records with data fields through the cluster: an index created with a schema, rows upserted with their values, searches
/// filtered inside the buckets' scans (files and pending rows) and compared with an exact filtered brute force, before and
/// after a rebuild and across a restart of every grain. Bad schemas, values and filters are refused by name.
/// </summary>
public sealed class FilteredSearchTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int K = 10;
    private const int Rows = 6_000;
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly DataField[] Schema =
    [
        new("category", DataFieldType.String, IsIndexed: true),
        new("band", DataFieldType.Long, IsIndexed: true),
        new("price", DataFieldType.Double, IsIndexed: true),
        new("active", DataFieldType.Bool, IsIndexed: true),
        new("when", DataFieldType.DateTimeOffset, IsIndexed: true),
        new("tags", DataFieldType.StringList, IsIndexed: true),
        new("title", DataFieldType.String),
    ];

    private HyperdTestCluster _hyperd = null!;
    private TestData _data = null!;
    private float[] _vectors = null!;

    public async Task InitializeAsync()
    {
        _hyperd = await HyperdTestCluster.StartAsync(2, configure: o => o.FirstBuildRows = 1_000_000);
        _data = new TestData(_hyperd.Root, Rows);
        _vectors = VectorFile.Open(_data.Path).ReadRows(0, Rows);
    }

    public async Task DisposeAsync() => await _hyperd.DisposeAsync();

    private HyperdClient Client => _hyperd.Client;

    [Fact]
    public async Task FilteredSearchMatchesExactFilteredSearch_BeforeAndAfterARebuild_AndAcrossARestartOfEveryGrain()
    {
        const string index = "filtered";
        await CreateAndFillAsync(index, Rows / 2);

        // Pending rows only: each bucket's exact scan applies the filter row by row.
        await AssertRecallAsync(index, "pending rows", Rows / 2);

        await Within.Phase("rebuild with fields", Client.BuildAsync(index, new BuildRequest()));

        // Half the rows in the files, half pending: both scans filter.
        await Client.UpsertAsync(index, Ids(Rows / 2, Rows), _vectors[(Rows / 2 * TestData.Dimensions)..], Values(Rows / 2, Rows));
        await AssertRecallAsync(index, "after the rebuild", Rows);

        await RestartEveryGrainAsync(index);
        await AssertRecallAsync(index, "after a restart of every grain", Rows);

        await Within.Phase("second rebuild", Client.BuildAsync(index, new BuildRequest()));
        await AssertRecallAsync(index, "after a second rebuild (all rows in files)", Rows);
    }

    [Fact]
    public async Task AFilterThatKeepsManyRowsProbesWidenedClusters_AtTheRecallOfAnUnfilteredSearch()
    {
        const string index = "widened";
        await CreateAndFillAsync(index, Rows);
        await Within.Phase("build", Client.BuildAsync(index, new BuildRequest()));

        // Few probes, so that only filters keeping most rows are cheaper probed than scanned exactly (6 × 2 × 2 / the clusters).
        var few = new SearchOptions(LshProbes: 2, NProbe: 2);
        double unfiltered = await RecallAsync(index, null, _ => true, Rows, few);
        output.WriteLine($"unfiltered at (2, 2): recall@{K} {unfiltered:F3}");
        (string Name, FieldFilter Filter, Func<object?[], bool> Keeps)[] broad =
        [
            ("category != c3 (90 %)", new FieldNotEqual("category", "c3"), r => (string?)r[0] != "c3"),
            ("active (50 %)", new FieldEqual("active", true), r => (bool)r[3]!),
        ];
        foreach ((string name, FieldFilter filter, Func<object?[], bool> keeps) in broad)
        {
            double recall = await RecallAsync(index, filter, keeps, Rows, few);
            output.WriteLine($"{name} at (2, 2): recall@{K} {recall:F3}");
            Assert.True(recall >= unfiltered - 0.05, $"{name}: recall@{K} {recall:F3}, unfiltered {unfiltered:F3}");
        }
    }

    [Fact]
    public async Task BucketsThatMoveCarryTheirPendingRowsFieldValues()
    {
        const string index = "moving";
        await CreateAndFillAsync(index, Rows);
        IGrainFactory grains = _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        BucketStatus[] placed = await BucketStatusesAsync(grains, index);
        foreach (BucketStatus bucket in placed)
        {
            SiloAddress target = _hyperd.Cluster.Silos.First(s => s.SiloAddress.ToString() != bucket.Silo).SiloAddress;
            await grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, bucket.Bucket)).MoveToAsync(target);
        }

        await Within.Eventually("every bucket to run on the other silo", async () =>
            (await BucketStatusesAsync(grains, index)).All(b => b.Silo != placed[b.Bucket].Silo));
        await AssertRecallAsync(index, "after the buckets moved", Rows);
        QueryResult hits = await Client.SearchAsync(index, _data.Query(1), K, new FieldTagContains("tags", "seven"), includeFields: true);
        Assert.All(hits.Fields!, values => Assert.Contains("seven", (string[])values[5]!));
    }

    [Fact]
    public async Task HitsCarryTheirFieldValuesWhenAsked()
    {
        const string index = "fields-back";
        await CreateAndFillAsync(index, Rows);
        Assert.Equal(Schema, (await Client.StatusAsync(index)).Fields);
        QueryResult plain = await Client.SearchAsync(index, _data.Query(0), K);
        Assert.Null(plain.Fields);
        QueryResult unfiltered = await Client.SearchAsync(index, _data.Query(0), K, filter: null, includeFields: true);
        Assert.Equal(plain.Ids, unfiltered.Ids);
        Assert.Equal([.. plain.Ids.Select(id => $"row {id}")], unfiltered.Fields!.Select(values => (string?)values[6]));

        QueryResult hits = await Client.SearchAsync(index, _data.Query(0), K, new FieldEqual("category", "c3"), includeFields: true);
        Assert.Equal(K, hits.Count);
        for (int h = 0; h < hits.Count; h++)
        {
            object?[] expected = Row((int)hits.Ids[h]);
            object?[] got = hits.Fields![h];
            Assert.Equal("c3", got[0]);
            Assert.Equal(expected[1], got[1]);
            Assert.Equal(expected[2], got[2]);
            Assert.Equal(expected[3], got[3]);
            Assert.Equal(((DateTimeOffset)expected[4]!).UtcTicks, ((DateTimeOffset)got[4]!).UtcTicks);
            Assert.Equal((string[])expected[5]!, (string[])got[5]!);
            Assert.Equal(expected[6], got[6]);
        }
    }

    [Fact]
    public async Task BadSchemasValuesAndFiltersAreRefusedByName()
    {
        var duplicate = await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateIndexAsync(
            "bad-schema", TestData.Dimensions, [new("a", DataFieldType.Long), new("a", DataFieldType.String)]));
        Assert.Contains("'a' is defined twice", duplicate.Message);
        var unknownType = await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateIndexAsync(
            "bad-schema", TestData.Dimensions, [new("a", (DataFieldType)42)]));
        Assert.Contains("unknown type", unknownType.Message);

        const string index = "refusals";
        await CreateAndFillAsync(index, 100);
        var otherSchema = await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateIndexAsync(
            index, TestData.Dimensions, [new("category", DataFieldType.String)]));
        Assert.Contains("other data fields", otherSchema.Message);

        object?[] wrong = Row(0);
        wrong[1] = "not a number";
        var badValue = await Assert.ThrowsAsync<ArgumentException>(() => Client.AppendAsync(index, [1], _data.Query(0), [wrong]));
        Assert.Contains("row 0 (id 1)", badValue.Message);
        Assert.Contains("field 'band'", badValue.Message);
        var short_ = await Assert.ThrowsAsync<ArgumentException>(() => Client.AppendAsync(index, [1], _data.Query(0), [["c1"]]));
        Assert.Contains("has 1 field values", short_.Message);

        float[] q = _data.Query(0);
        (FieldFilter Filter, string Says)[] bad =
        [
            (new FieldEqual("colour", "red"), "'colour', which the schema does not have"),
            (new FieldEqual("title", "row 1"), "'title', which is not indexed"),
            (new FieldRange("category", FieldRangeOperator.LessThan, "c5"), "ranges need a Long, Double or DateTime field"),
            (new FieldEqual("band", "seven"), "field 'band'"),
            (new FieldTagContains("category", "x"), "it needs a Tags field"),
            (new FieldEqual("tags", "even"), "use TagContains"),
        ];
        foreach ((FieldFilter filter, string says) in bad)
        {
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => Client.SearchAsync(index, q, K, filter));
            Assert.Contains(says, refused.Message);
        }

        var fromFile = await Assert.ThrowsAsync<ArgumentException>(() => Client.BuildAsync(index, new BuildRequest(_data.Path)));
        Assert.Contains("has data fields, which a vector file does not carry", fromFile.Message);

        await Client.CreateIndexAsync("no-fields", TestData.Dimensions);
        await Client.AppendAsync("no-fields", [1], q);
        var noFields = await Assert.ThrowsAsync<ArgumentException>(() => Client.SearchAsync("no-fields", q, K, new FieldEqual("a", 1L)));
        Assert.Contains("has no data fields", noFields.Message);
        var valuesWithoutFields = await Assert.ThrowsAsync<ArgumentException>(() => Client.AppendAsync("no-fields", [2], q, [[1L]]));
        Assert.Contains("has no data fields", valuesWithoutFields.Message);
    }

    /// <summary>Every operator at least once, with the selectivities named (about 10 % and 1 % of the rows).</summary>
    private static IEnumerable<(string Name, FieldFilter Filter, Func<object?[], bool> Keeps)> Filters()
    {
        yield return ("category = c3 (10 %)", new FieldEqual("category", "c3"), r => (string?)r[0] == "c3");
        yield return ("band = 13 (1 %)", new FieldEqual("band", 13L), r => (long)r[1]! == 13);
        yield return ("category = c3 && band < 30 (3 %)", new FieldEqual("category", "c3") & new FieldRange("band", FieldRangeOperator.LessThan, 30L),
            r => (string?)r[0] == "c3" && (long)r[1]! < 30);
        yield return ("category != c3", new FieldNotEqual("category", "c3"), r => (string?)r[0] != "c3");
        yield return ("price >= 90", new FieldRange("price", FieldRangeOperator.GreaterThanOrEqual, 90.0), r => (double)r[2]! >= 90);
        yield return ("price > 98.5", new FieldRange("price", FieldRangeOperator.GreaterThan, 98.5), r => (double)r[2]! > 98.5);
        yield return ("band <= 4", new FieldRange("band", FieldRangeOperator.LessThanOrEqual, 4L), r => (long)r[1]! <= 4);
        yield return ("when < epoch + 300 h", new FieldRange("when", FieldRangeOperator.LessThan, Epoch.AddHours(300)),
            r => (DateTimeOffset)r[4]! < Epoch.AddHours(300));
        yield return ("tags contain 'seven'", new FieldTagContains("tags", "seven"), r => ((string[])r[5]!).Contains("seven"));
        yield return ("band = 13 || band = 57", new FieldEqual("band", 13L) | new FieldEqual("band", 57L), r => (long)r[1]! is 13 or 57);
        yield return ("!active && band < 20", !new FieldEqual("active", true) & new FieldRange("band", FieldRangeOperator.LessThan, 20L),
            r => !(bool)r[3]! && (long)r[1]! < 20);
    }

    private async Task AssertRecallAsync(string index, string phase, int present)
    {
        var failures = new List<string>();
        foreach ((string name, FieldFilter filter, Func<object?[], bool> keeps) in Filters())
        {
            double recall = await RecallAsync(index, filter, keeps, present);
            output.WriteLine($"{phase}: {name}: recall@{K} {recall:F3}");
            if (recall < 0.95)
            {
                failures.Add($"{name}: recall@{K} {recall:F3}");
            }
        }

        Assert.True(failures.Count == 0, $"{phase}: {string.Join("; ", failures)}");
    }

    private async Task<double> RecallAsync(
        string index, FieldFilter? filter, Func<object?[], bool> keeps, int present, SearchOptions? options = null)
    {
        int[] kept = [.. Enumerable.Range(0, present).Where(i => keeps(Row(i)))];
        var unit = new float[kept.Length * TestData.Dimensions];
        for (int i = 0; i < kept.Length; i++)
        {
            _vectors.AsSpan(kept[i] * TestData.Dimensions, TestData.Dimensions).CopyTo(unit.AsSpan(i * TestData.Dimensions));
        }

        VectorMath.NormalizeRows(unit, TestData.Dimensions, 0, "test rows");
        ExactSearch.Result exact = ExactSearch.Search(unit, TestData.Dimensions, _data.Queries, K);
        Neighbor[][] truth = [.. exact.Neighbors.Select(hits => hits.Select(n => new Neighbor(kept[n.Id], n.Score)).ToArray())];
        SearchResponse answer = await Client.SearchRowsAsync(index, new SearchRequest(_data.Queries, K, options, filter));
        Neighbor[][] found = [.. answer.Results.Select(r => r.Ids.Zip(r.Scores, (id, score) => new Neighbor(id, score)).ToArray())];
        Assert.All(answer.Results, r => Assert.Equal(Math.Min(K, kept.Length), r.Count));
        return Recall.AtK(found, truth, K);
    }

    private async Task CreateAndFillAsync(string index, int rows)
    {
        await Client.CreateIndexAsync(index, TestData.Dimensions, Schema);
        await Client.UpsertAsync(index, Ids(0, rows), _vectors[..(rows * TestData.Dimensions)], Values(0, rows));
    }

    private async Task RestartEveryGrainAsync(string index)
    {
        IGrainFactory grains = _hyperd.Cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IIndexGrain>(index).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
    }

    private static Task<BucketStatus[]> BucketStatusesAsync(IGrainFactory grains, string index) => Task.WhenAll(
        Enumerable.Range(0, LshHasher.BucketCount).Select(b => grains.GetGrain<IBucketGrain>(GrainKeys.Bucket(index, b)).StatusAsync()));

    /// <summary>Row i's values: 10 categories, 100 bands, prices 0 to 99.9, every other row active, an hour apart, tags.</summary>
    private static object?[] Row(int i) =>
    [
        $"c{i % 10}",
        (long)(i * 7 % 100),
        i * 13 % 1000 / 10.0,
        i % 2 == 0,
        Epoch.AddHours(i),
        i % 7 == 0 ? new[] { "seven", i % 2 == 0 ? "even" : "odd" } : new[] { i % 2 == 0 ? "even" : "odd" },
        $"row {i}",
    ];

    private static object?[][] Values(int first, int end) => [.. Enumerable.Range(first, end - first).Select(Row)];

    private static long[] Ids(int first, int end) => [.. Enumerable.Range(first, end - first).Select(i => (long)i)];
}
