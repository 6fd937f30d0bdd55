using System.Numerics.Tensors;

namespace HyperdOrleans.Engine.Lsh;

/// <summary>
/// The top principal directions of a sample of rows: power iteration on the sample's covariance, each direction
/// deflated against the ones before it. d × d covariance is tiny next to the sample (70 × 70 here), so the
/// iteration costs nothing; building the covariance is one pass of multiply-adds over the sample.
/// </summary>
internal static class PrincipalDirections
{
    private const int MaxIterations = 500;
    private const double Converged = 1e-9;

    /// <summary>
    /// <paramref name="count"/> orthonormal directions (row-major, count × d), by decreasing variance. Where the
    /// sample has fewer independent directions (d &lt; count, or a degenerate sample) the rest are seeded random
    /// directions orthogonal to those found.
    /// </summary>
    public static float[] Top(ReadOnlySpan<float> rows, int dimensions, int count, Random random)
    {
        int d = dimensions;
        float[] covariance = Covariance(rows, d);
        var directions = new float[count * d];
        var next = new float[d];
        for (int p = 0; p < count; p++)
        {
            Span<float> v = directions.AsSpan(p * d, d);
            Gaussian.Fill(v, random);
            Orthogonalise(v, directions.AsSpan(0, p * d), d);
            float norm = TensorPrimitives.Norm(v);
            if (norm == 0)
            {
                // No direction left (p ≥ d): repeat an earlier one rather than fail; LSH bits then agree.
                directions.AsSpan(0, d).CopyTo(v);
                continue;
            }

            TensorPrimitives.Divide(v, norm, v);
            for (int iteration = 0; iteration < MaxIterations; iteration++)
            {
                for (int a = 0; a < d; a++)
                {
                    next[a] = TensorPrimitives.Dot(covariance.AsSpan(a * d, d), v);
                }

                Orthogonalise(next, directions.AsSpan(0, p * d), d);
                float length = TensorPrimitives.Norm(next);
                if (length <= float.Epsilon)
                {
                    break; // No variance left outside the earlier directions: keep the random orthogonal one.
                }

                TensorPrimitives.Divide(next, length, next);
                float change = TensorPrimitives.Distance(next, v);
                next.CopyTo(v);
                if (change * change < Converged)
                {
                    break;
                }
            }
        }

        return directions;
    }

    /// <summary>The sample covariance (d × d, row-major), about the sample mean.</summary>
    private static float[] Covariance(ReadOnlySpan<float> rows, int d)
    {
        int n = rows.Length / d;
        var mean = new float[d];
        for (int r = 0; r < n; r++)
        {
            TensorPrimitives.Add(mean, rows.Slice(r * d, d), mean);
        }

        TensorPrimitives.Divide(mean, n, mean);
        var covariance = new float[d * d];
        var centred = new float[d];
        for (int r = 0; r < n; r++)
        {
            TensorPrimitives.Subtract(rows.Slice(r * d, d), mean, centred);
            for (int a = 0; a < d; a++)
            {
                Span<float> row = covariance.AsSpan(a * d, d);
                TensorPrimitives.MultiplyAdd(centred, centred[a], row, row);
            }
        }

        TensorPrimitives.Divide(covariance, n, covariance);
        return covariance;
    }

    /// <summary>v -= (v·u) u for each earlier unit direction u.</summary>
    private static void Orthogonalise(Span<float> v, ReadOnlySpan<float> earlier, int d)
    {
        for (int offset = 0; offset < earlier.Length; offset += d)
        {
            ReadOnlySpan<float> u = earlier.Slice(offset, d);
            TensorPrimitives.MultiplyAdd(u, -TensorPrimitives.Dot(v, u), v, v);
        }
    }
}
