using HyperdOrleans.Engine.Lsh;

namespace HyperdOrleans.Engine.Tests;

/// <summary>Hashing and multi-probe order of the LSH level.</summary>
public sealed class LshHasherTests
{
    private const int D = 20;

    private static readonly float[] Sample = TestVectors.Unit(TestVectors.RandomRows(2000, D, seed: 1), D);
    private static readonly LshHasher Hasher = LshHasher.Fit(Sample, D, seed: 2);

    [Fact]
    public void ProbeOrderIsAPermutationWithTheOwnBucketFirstThenByFlipCost()
    {
        float[] vectors = TestVectors.Unit(TestVectors.RandomRows(500, D, seed: 3), D);
        Span<int> order = stackalloc int[LshHasher.BucketCount];
        for (int v = 0; v < 500; v++)
        {
            ReadOnlySpan<float> vector = vectors.AsSpan(v * D, D);

            int own = Hasher.ProbeOrder(vector, order);

            Assert.Equal(Hasher.Hash(vector), own);
            Assert.Equal(own, order[0]);
            Assert.Equal(Enumerable.Range(0, LshHasher.BucketCount), order.ToArray().Order());
            double[] margins = Margins(vector);
            for (int i = 2; i < order.Length; i++)
            {
                Assert.True(
                    FlipCost(margins, own, order[i - 1]) <= FlipCost(margins, own, order[i]) + 1e-5,
                    $"vector {v}: bucket {order[i - 1]} probed before cheaper bucket {order[i]}");
            }
        }
    }

    [Fact]
    public void HashSetsBitIWhenTheVectorIsAbovePlaneIsThreshold()
    {
        float[] vectors = TestVectors.Unit(TestVectors.RandomRows(500, D, seed: 4), D);
        var seen = new HashSet<int>();
        for (int v = 0; v < 500; v++)
        {
            double[] margins = Margins(vectors.AsSpan(v * D, D));
            int bucket = Hasher.Hash(vectors.AsSpan(v * D, D));
            seen.Add(bucket);
            if (margins.Any(m => Math.Abs(m) < 1e-5))
            {
                continue; // too close to a plane for a double-precision reference to be sure of the side
            }

            Assert.Equal(Enumerable.Range(0, LshHasher.PlaneCount).Where(p => margins[p] > 0).Sum(p => 1 << p), bucket);
        }

        Assert.Equal(LshHasher.BucketCount, seen.Count);
    }

    [Fact]
    public void FittedThresholdsAreMediansOfTheSample()
    {
        for (int p = 0; p < LshHasher.PlaneCount; p++)
        {
            int above = Enumerable.Range(0, Sample.Length / D).Count(r => Margins(Sample.AsSpan(r * D, D))[p] > 0);
            Assert.InRange(above, 990, 1010);
        }
    }

    [Fact]
    public void BadShapesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => Hasher.ProbeOrder(Sample.AsSpan(0, D), new int[7]));
        Assert.Throws<ArgumentException>(() => new LshHasher(D, new float[(3 * D) - 1], new float[3]));
        float[] planes = new float[3 * D];
        planes[4] = float.NaN;
        Assert.Throws<ArgumentException>(() => new LshHasher(D, planes, new float[3]));
    }

    private static double[] Margins(ReadOnlySpan<float> vector)
    {
        var margins = new double[LshHasher.PlaneCount];
        for (int p = 0; p < LshHasher.PlaneCount; p++)
        {
            double dot = 0;
            for (int j = 0; j < D; j++)
            {
                dot += (double)vector[j] * Hasher.Planes[(p * D) + j];
            }

            margins[p] = dot - Hasher.Thresholds[p];
        }

        return margins;
    }

    private static double FlipCost(double[] margins, int own, int bucket) =>
        Enumerable.Range(0, LshHasher.PlaneCount).Where(p => ((own ^ bucket) & (1 << p)) != 0).Sum(p => Math.Abs(margins[p]));
}
