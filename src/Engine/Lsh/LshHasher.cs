using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace HyperdOrleans.Engine.Lsh;

/// <summary>
/// The LSH level: three hyperplanes split the unit sphere into eight buckets. Bit i of a vector's bucket is
/// set when its cosine with plane i exceeds threshold i. Thresholds are medians over a sample, so each bit
/// halves real data (with all-positive data a zero threshold would send almost everything to one bucket).
/// Immutable after construction; thread-safe.
/// </summary>
public sealed class LshHasher
{
    public const int PlaneCount = 3;
    public const int BucketCount = 1 << PlaneCount;

    private readonly float[] _planes;
    private readonly float[] _thresholds;

    public LshHasher(int dimensions, float[] planes, float[] thresholds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (planes.Length != PlaneCount * dimensions || thresholds.Length != PlaneCount)
        {
            throw new ArgumentException($"LSH needs {PlaneCount} planes of {dimensions} values and {PlaneCount} thresholds; got {planes.Length} "
                + $"values and {thresholds.Length} thresholds.");
        }

        if (!planes.All(float.IsFinite) || !thresholds.All(float.IsFinite))
        {
            throw new ArgumentException("LSH planes and thresholds must be finite.");
        }

        Dimensions = dimensions;
        _planes = planes;
        _thresholds = thresholds;
    }

    public int Dimensions { get; }

    /// <summary>Plane i is <c>Planes[i*d .. (i+1)*d)</c>, unit length.</summary>
    public ReadOnlySpan<float> Planes => _planes;

    public ReadOnlySpan<float> Thresholds => _thresholds;

    /// <summary>
    /// Fits planes and thresholds to a sample of unit vectors. <see cref="LshPlanes.Principal"/> takes the sample's
    /// top principal directions; <see cref="LshPlanes.Random"/> seeded Gaussian directions with the sample's mean
    /// direction projected out (on data concentrated around one direction, the uniform set, the three bits would
    /// otherwise be strongly correlated and four buckets would stay nearly empty).
    /// </summary>
    public static LshHasher Fit(ReadOnlySpan<float> unitSample, int dimensions, int seed, LshPlanes kind = LshPlanes.Principal)
    {
        int n = unitSample.Length / dimensions;
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(unitSample));
        var random = new Random(Seeds.Derive(seed, 0x15b));
        float[] planes = kind == LshPlanes.Principal
            ? PrincipalDirections.Top(unitSample, dimensions, PlaneCount, random)
            : RandomPlanes(unitSample, dimensions, random);

        var thresholds = new float[PlaneCount];
        var projections = new float[n];
        for (int p = 0; p < PlaneCount; p++)
        {
            ReadOnlySpan<float> plane = planes.AsSpan(p * dimensions, dimensions);
            for (int r = 0; r < n; r++)
            {
                projections[r] = TensorPrimitives.Dot(unitSample.Slice(r * dimensions, dimensions), plane);
            }

            Array.Sort(projections);
            thresholds[p] = projections[n / 2];
        }

        return new LshHasher(dimensions, planes, thresholds);
    }

    private static float[] RandomPlanes(ReadOnlySpan<float> unitSample, int dimensions, Random random)
    {
        int n = unitSample.Length / dimensions;
        var mean = new float[dimensions];
        for (int r = 0; r < n; r++)
        {
            TensorPrimitives.Add(mean, unitSample.Slice(r * dimensions, dimensions), mean);
        }

        float meanNorm = TensorPrimitives.Norm(mean);
        if (meanNorm > 0)
        {
            TensorPrimitives.Divide(mean, meanNorm, mean);
        }

        var planes = new float[PlaneCount * dimensions];
        for (int p = 0; p < PlaneCount; p++)
        {
            Span<float> plane = planes.AsSpan(p * dimensions, dimensions);
            Gaussian.Fill(plane, random);
            if (meanNorm > 0 && dimensions > 1)
            {
                // plane -= (plane·mean) mean
                TensorPrimitives.MultiplyAdd(mean, -TensorPrimitives.Dot(plane, mean), plane, plane);
            }

            TensorPrimitives.Divide(plane, TensorPrimitives.Norm(plane), plane);
        }

        return planes;
    }

    /// <summary>
    /// A hasher that sends every unit vector to bucket 0: thresholds above any cosine (2 rather than infinity,
    /// which JSON cannot carry). The LSH level switched off, for comparison.
    /// </summary>
    public static LshHasher SingleBucket(int dimensions, int seed)
    {
        var axis = new float[dimensions];
        axis[0] = 1f;
        return new LshHasher(dimensions, Fit(axis, dimensions, seed, LshPlanes.Random)._planes, [2f, 2f, 2f]);
    }

    /// <summary>The bucket (0..7) of a unit vector.</summary>
    public int Hash(ReadOnlySpan<float> unitVector)
    {
        int bucket = 0;
        for (int p = 0; p < PlaneCount; p++)
        {
            if (Margin(unitVector, p) > 0)
            {
                bucket |= 1 << p;
            }
        }

        return bucket;
    }

    /// <summary>
    /// Fills <paramref name="order"/> (length 8) with all buckets, the vector's own first, then by how close the
    /// vector lies to flipping into each (multi-probe LSH: the sum of its margins on the flipped bits).
    /// Returns the vector's own bucket.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int ProbeOrder(ReadOnlySpan<float> unitVector, Span<int> order)
    {
        if (order.Length != BucketCount)
        {
            throw new ArgumentException($"The probe order has room for {order.Length} buckets; {BucketCount} are needed.", nameof(order));
        }

        Span<float> margins = stackalloc float[PlaneCount];
        int own = 0;
        for (int p = 0; p < PlaneCount; p++)
        {
            float margin = Margin(unitVector, p);
            margins[p] = MathF.Abs(margin);
            if (margin > 0)
            {
                own |= 1 << p;
            }
        }

        Span<float> costs = stackalloc float[BucketCount];
        for (int b = 0; b < BucketCount; b++)
        {
            int flipped = b ^ own;
            float cost = 0;
            for (int p = 0; p < PlaneCount; p++)
            {
                if ((flipped & (1 << p)) != 0)
                {
                    cost += margins[p];
                }
            }

            costs[b] = b == own ? -1f : cost; // own bucket first even when a margin is exactly zero
            order[b] = b;
        }

        // Eight entries: an insertion sort by cost, ties by bucket number so the order is deterministic.
        for (int i = 1; i < BucketCount; i++)
        {
            int bucket = order[i];
            int j = i - 1;
            while (j >= 0 && (costs[order[j]] > costs[bucket] || (costs[order[j]] == costs[bucket] && order[j] > bucket)))
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = bucket;
        }

        return own;
    }

    private float Margin(ReadOnlySpan<float> unitVector, int plane) =>
        TensorPrimitives.Dot(unitVector, _planes.AsSpan(plane * Dimensions, Dimensions)) - _thresholds[plane];
}
