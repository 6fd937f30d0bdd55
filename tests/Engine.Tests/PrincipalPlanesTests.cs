using System.Numerics.Tensors;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The default LSH planes: the sample's principal directions, and what they buy over random planes.</summary>
public sealed class PrincipalPlanesTests
{
    [Fact]
    public void PlanesAreOrthonormalAndFollowTheAxesOfDecreasingSpread()
    {
        // Spread 8, 4, 2 on axes 5, 1, 3 and 0.3 elsewhere, around a mean far from the origin (as real embeddings are).
        const int D = 12;
        var random = new Random(7);
        float[] rows = new float[5000 * D];
        for (int r = 0; r < 5000; r++)
        {
            for (int j = 0; j < D; j++)
            {
                double spread = j switch { 5 => 8, 1 => 4, 3 => 2, _ => 0.3 };
                rows[(r * D) + j] = (float)(10 + (spread * Gaussian(random)));
            }
        }

        LshHasher hasher = LshHasher.Fit(rows, D, seed: 1);

        int[] axes = [5, 1, 3];
        for (int p = 0; p < LshHasher.PlaneCount; p++)
        {
            ReadOnlySpan<float> plane = hasher.Planes.Slice(p * D, D);
            Assert.Equal(1f, TensorPrimitives.Norm(plane), 1e-4f);
            Assert.True(Math.Abs(plane[axes[p]]) > 0.99f, $"plane {p} has {plane[axes[p]]} on axis {axes[p]}");
            for (int q = 0; q < p; q++)
            {
                Assert.Equal(0f, TensorPrimitives.Dot(plane, hasher.Planes.Slice(q * D, D)), 1e-4f);
            }
        }
    }

    [Fact]
    public void FittingIsDeterministicAndBalanced()
    {
        const int D = 32;
        float[] sample = TestVectors.Unit(TestVectors.SyntheticRows(SyntheticKind.Clustered, D, 8000, seed: 3), D);
        LshHasher one = LshHasher.Fit(sample, D, seed: 4);
        LshHasher two = LshHasher.Fit(sample, D, seed: 4);
        Assert.Equal(one.Planes.ToArray(), two.Planes.ToArray());
        Assert.Equal(one.Thresholds.ToArray(), two.Thresholds.ToArray());

        // Median thresholds: each bit halves the sample.
        for (int p = 0; p < LshHasher.PlaneCount; p++)
        {
            int above = 0;
            for (int r = 0; r < 8000; r++)
            {
                above += (one.Hash(sample.AsSpan(r * D, D)) >> p) & 1;
            }

            Assert.InRange(above, 3900, 4100);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void FewerDimensionsThanPlanesStillHash(int dimensions)
    {
        float[] sample = TestVectors.Unit(TestVectors.RandomRows(300, dimensions, seed: 5), dimensions);
        LshHasher hasher = LshHasher.Fit(sample, dimensions, seed: 6);
        Assert.All(hasher.Planes.ToArray(), v => Assert.True(float.IsFinite(v)));
        Assert.InRange(hasher.Hash(sample.AsSpan(0, dimensions)), 0, LshHasher.BucketCount - 1);
    }

    [Fact]
    public void PrincipalPlanesKeepMoreTrueNeighboursInTheProbedBucketsThanRandomOnes()
    {
        const int D = 48;
        const int K = 10;
        const int Probes = 4;
        float[] rows = TestVectors.Unit(TestVectors.SyntheticRows(SyntheticKind.Clustered, D, 30_000, seed: 8, centers: 200), D);
        float[] queries = TestVectors.Unit(
            TestVectors.SyntheticRows(SyntheticKind.Clustered, D, 300, seed: 8, SyntheticData.Stream.Queries, centers: 200),
            D);
        double principal = Coverage(LshHasher.Fit(rows, D, seed: 9, LshPlanes.Principal));
        double random = Coverage(LshHasher.Fit(rows, D, seed: 9, LshPlanes.Random));
        Assert.True(principal > random, $"true neighbours in {Probes} probed buckets: principal {principal:F3}, random {random:F3}");

        double Coverage(LshHasher hasher)
        {
            Span<int> order = stackalloc int[LshHasher.BucketCount];
            var scores = new float[rows.Length / D];
            int covered = 0;
            for (int q = 0; q < 300; q++)
            {
                ReadOnlySpan<float> query = queries.AsSpan(q * D, D);
                for (int r = 0; r < scores.Length; r++)
                {
                    scores[r] = TensorPrimitives.Dot(rows.AsSpan(r * D, D), query);
                }

                hasher.ProbeOrder(query, order);
                ReadOnlySpan<int> probed = order[..Probes];
                foreach (int r in Enumerable.Range(0, scores.Length).OrderByDescending(r => scores[r]).Take(K))
                {
                    covered += probed.Contains(hasher.Hash(rows.AsSpan(r * D, D))) ? 1 : 0;
                }
            }

            return covered / (300.0 * K);
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
