using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>A small clustered data set on disk (the silos read it by path) and query rows from the same mixture.</summary>
public sealed class TestData
{
    public const int Dimensions = 24;

    public TestData(string folder, int count, int seed = 7)
    {
        Count = count;
        Path = System.IO.Path.Combine(folder, $"base-{count}.fvecs");
        new SyntheticData(SyntheticKind.Clustered, Dimensions, seed, centers: 200).WriteFile(Path, count);
        Queries = Rows(new SyntheticData(SyntheticKind.Clustered, Dimensions, seed, SyntheticData.Stream.Queries, centers: 200), 64);
        Extra = Rows(new SyntheticData(SyntheticKind.Clustered, Dimensions, seed + 1, SyntheticData.Stream.Base, centers: 200), 64);
    }

    public string Path { get; }

    public int Count { get; }

    /// <summary>Query rows, row-major.</summary>
    public float[] Queries { get; }

    /// <summary>Rows not in the base set, for appends.</summary>
    public float[] Extra { get; }

    public float[] Query(int i) => Queries.AsSpan(i * Dimensions, Dimensions).ToArray();

    public float[] ExtraRow(int i) => Extra.AsSpan(i * Dimensions, Dimensions).ToArray();

    /// <summary>Base row <paramref name="row"/> as stored in the file.</summary>
    public float[] BaseRow(long row) => VectorFile.Open(Path).ReadRows(row, 1);

    private static float[] Rows(SyntheticData data, int count)
    {
        var rows = new float[count * Dimensions];
        data.Fill(rows);
        return rows;
    }
}
