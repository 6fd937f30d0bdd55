using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Evaluation.Data;

namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// An index of 30,000 clustered 32-dimensional rows with one field of every type (indexed, plus two stored ones), some
/// values missing, built once per class. Field values are a seeded function of the id, kept in memory for brute force.
/// <c>band</c> is uniform in 0..999, so <c>band &lt; t</c> keeps t / 1000 of the rows at random.
/// </summary>
public sealed class FieldedIndexFixture : IDisposable
{
    public const int Dimensions = 32;
    public const int Count = 30_000;
    public const int QueryCount = 100;

    public static readonly FieldSchema Schema = new([
        new FieldDefinition("band", FieldType.Long, Indexed: true),
        new FieldDefinition("category", FieldType.String, Indexed: true),
        new FieldDefinition("score", FieldType.Double, Indexed: true),
        new FieldDefinition("flag", FieldType.Bool, Indexed: true),
        new FieldDefinition("when", FieldType.DateTime, Indexed: true),
        new FieldDefinition("tags", FieldType.Tags, Indexed: true),
        new FieldDefinition("note", FieldType.String),
        new FieldDefinition("count", FieldType.Long),
    ]);

    public static readonly DateTimeOffset Epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] Categories = ["apple", "banana", "cherry", "date", "elder", "fig", "grape"];
    private static readonly string[] TagPool = ["red", "green", "blue", "cyan", "magenta", "yellow", "black", "white", "über"];

    private readonly TempDirectory _folder = new("fielded");

    public FieldedIndexFixture()
    {
        try
        {
            Values = [.. Enumerable.Range(0, Count).Select(ValuesOf)];
            VectorFile file = TestVectors.WriteSynthetic(
                _folder.File("base.fvecs"), SyntheticKind.Clustered, Dimensions, Count, seed: 11, centers: 60);
            UnitRows = TestVectors.Unit(file.ReadRows(0, Count), Dimensions);
            Queries = TestVectors.SyntheticRows(SyntheticKind.Clustered, Dimensions, QueryCount, seed: 11, SyntheticData.Stream.Queries, centers: 60);
            IndexDirectory = _folder.File("index");
            var source = new FieldedVectorSource(new VectorFileSource(file), Schema, id => Values[id]);
            Manifest = IndexBuilder.Build(source, IndexDirectory, new IndexBuildOptions { Seed = 3, MinPointsPerCluster = 50 });
            Index = VectorIndex.Open(IndexDirectory);
        }
        catch
        {
            _folder.Dispose();
            throw;
        }
    }

    /// <summary>Every row's values, by id, as given to the build.</summary>
    public object?[][] Values { get; }

    public float[] UnitRows { get; }

    public float[] Queries { get; }

    public string IndexDirectory { get; }

    public IndexManifest Manifest { get; }

    public VectorIndex Index { get; }

    /// <summary>A private copy of the index for a test to damage; it lives as long as <paramref name="owner"/>.</summary>
    public string CopyIndex(TempDirectory owner) => TestVectors.CopyIndex(IndexDirectory, owner);

    /// <summary>The exact top k of each query among the ids <paramref name="keeps"/> passes.</summary>
    public Neighbor[][] ExactFiltered(Func<long, bool> keeps, int k)
    {
        var answers = new Neighbor[QueryCount][];
        float[] unitQueries = TestVectors.Unit(Queries, Dimensions);
        for (int q = 0; q < QueryCount; q++)
        {
            var heap = new TopK(k);
            ReadOnlySpan<float> query = unitQueries.AsSpan(q * Dimensions, Dimensions);
            for (int id = 0; id < Count; id++)
            {
                if (keeps(id))
                {
                    heap.Add(id, System.Numerics.Tensors.TensorPrimitives.Dot(UnitRows.AsSpan(id * Dimensions, Dimensions), query));
                }
            }

            answers[q] = heap.ToSortedArray();
        }

        return answers;
    }

    private static object?[] ValuesOf(int id)
    {
        var random = new Random(id * 7919 + 1);
        bool sparse = id % 13 == 0;
        int tagCount = random.Next(0, 4);
        return
        [
            (long)random.Next(1000),
            sparse ? null : Categories[random.Next(Categories.Length)],
            sparse ? null : Math.Round(random.NextDouble() * 100, 1),
            id % 17 == 0 ? null : random.Next(2) == 0,
            sparse ? null : Epoch.AddHours(random.Next(24 * 365)).ToOffset(TimeSpan.FromHours(random.Next(-5, 6))),
            id % 11 == 0 ? null : Enumerable.Range(0, tagCount).Select(_ => TagPool[random.Next(TagPool.Length)]).ToArray(),
            id % 5 == 0 ? null : $"row {id}",
            sparse ? null : (long)id * 3,
        ];
    }

    public void Dispose()
    {
        Index.Dispose();
        _folder.Dispose();
    }
}
