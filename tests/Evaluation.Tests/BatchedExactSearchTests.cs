using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Evaluation.Exact;

namespace HyperdOrleans.Evaluation.Tests;

/// <summary>The one exact baseline: the batched kernel agrees with one-query scans, and the timed run returns its answers.</summary>
public sealed class BatchedExactSearchTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hyperd-evaluation-tests", "exact-" + Guid.NewGuid().ToString("N"));

    public BatchedExactSearchTests() => Directory.CreateDirectory(_root);

    [Theory]
    [InlineData(70, 1, 10)]
    [InlineData(70, 37, 100)]
    [InlineData(100, 70, 10)]
    [InlineData(5, 3, 1)]
    public void BatchedExactSearchAgreesWithOneQueryScans(int dimensions, int queries, int k)
    {
        using UnitBase unit = WriteUnitBase(dimensions);
        float[] query = Queries(dimensions, queries);

        Neighbor[][] batched = BatchedExactSearch.Search(unit, query, k, threads: 2);

        for (int q = 0; q < queries; q++)
        {
            Neighbor[] one = BatchedExactSearch.ScanOne(unit, query.AsSpan(q * dimensions, dimensions), k);
            Assert.Equal(k, batched[q].Length);
            for (int i = 0; i < k; i++)
            {
                Assert.InRange(Math.Abs(one[i].Score - batched[q][i].Score), 0f, 1e-5f);
            }
        }
    }

    [Fact]
    public void TheBaselineReturnsTheBatchedAnswersOfEveryQuery()
    {
        const int D = 16;
        using UnitBase unit = WriteUnitBase(D);
        float[] queries = Queries(D, 100);

        ExactRun run = ExactBaseline.Run(unit, queries, 10, threads: 2);

        Assert.Equal(100, run.Answers.Length);
        Assert.Equal(2, run.Threads);
        Assert.True(run.Seconds > 0);
        Neighbor[][] expected = BatchedExactSearch.Search(unit, queries, 10, threads: 1);
        for (int q = 0; q < expected.Length; q++)
        {
            Assert.Equal(expected[q].Select(n => n.Id), run.Answers[q].Select(n => n.Id));
        }
    }

    private UnitBase WriteUnitBase(int dimensions)
    {
        string basePath = Path.Combine(_root, $"base-{dimensions}.fvecs");
        new SyntheticData(SyntheticKind.Clustered, dimensions, 7).WriteFile(basePath, 3001); // not a multiple of the 4-row kernel
        string unitPath = Path.Combine(_root, $"base-{dimensions}.f32");
        UnitBase.Write(VectorFile.Open(basePath), unitPath);
        return UnitBase.Open(unitPath, dimensions);
    }

    private static float[] Queries(int dimensions, int count)
    {
        var query = new float[count * dimensions];
        new SyntheticData(SyntheticKind.Clustered, dimensions, 7, SyntheticData.Stream.Queries).Fill(query);
        VectorMath.NormalizeRows(query, dimensions, 0, "query");
        return query;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
