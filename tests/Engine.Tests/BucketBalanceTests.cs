using HyperdOrleans.Engine.Lsh;
using Xunit.Abstractions;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The fitted LSH thresholds spread the all-positive uniform set evenly over the eight buckets.</summary>
public sealed class BucketBalanceTests(UniformIndexFixture fixture, ITestOutputHelper output) : IClassFixture<UniformIndexFixture>
{
    private const int D = UniformIndexFixture.Dimensions;
    private const double Fair = UniformIndexFixture.Count / (double)LshHasher.BucketCount;

    [Fact]
    public void EveryBucketHoldsBetweenHalfAndOneAndAHalfOfItsShare()
    {
        long[] counts = [.. fixture.Manifest.Buckets.Select(b => b.Count)];
        output.WriteLine($"bucket sizes: {string.Join(", ", counts)} (fair share {Fair})");

        Assert.Equal(UniformIndexFixture.Count, counts.Sum());
        Assert.All(counts, c => Assert.InRange(c, 0.5 * Fair, 1.5 * Fair));
    }

    [Fact]
    public void TheManifestCountsAreWhatTheHasherGives()
    {
        long[] counts = CountBuckets(new LshHasher(D, [.. fixture.Manifest.Lsh.Planes.SelectMany(p => p)], fixture.Manifest.Lsh.Thresholds));

        Assert.Equal(fixture.Manifest.Buckets.Select(b => b.Count), counts);
    }

    [Fact]
    public void ZeroThresholdsWouldNotBeBalanced()
    {
        // The control: random hyperplanes through the origin, as plain LSH has them. On all-positive data every
        // row lies near the mean direction, so the three bits agree and a few buckets take almost everything.
        float[] planes = GaussianPlanes(seed: 3);
        long[] counts = CountBuckets(new LshHasher(D, planes, new float[LshHasher.PlaneCount]));
        output.WriteLine($"bucket sizes with zero thresholds: {string.Join(", ", counts)}");

        Assert.Contains(counts, c => c < 0.5 * Fair || c > 1.5 * Fair);
    }

    private long[] CountBuckets(LshHasher hasher)
    {
        var counts = new long[LshHasher.BucketCount];
        for (int r = 0; r < UniformIndexFixture.Count; r++)
        {
            counts[hasher.Hash(fixture.UnitRows.AsSpan(r * D, D))]++;
        }

        return counts;
    }

    private static float[] GaussianPlanes(int seed)
    {
        var random = new Random(seed);
        var planes = new float[LshHasher.PlaneCount * D];
        for (int i = 0; i < planes.Length; i++)
        {
            planes[i] = (float)(Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble()));
        }

        return planes;
    }
}
