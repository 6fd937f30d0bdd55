using System.Numerics.Tensors;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// 8-bit scalar quantisation per dimension (FAISS's <c>QT_8bit</c>): x_j ≈ min_j + step_j · code_j with
/// code_j in 0..255. The range is trained per bucket on a trimmed quantile of its rows, not the raw min/max: a
/// few outlying values would otherwise stretch the step for every row, and the clamped outliers are re-scored
/// exactly anyway. Immutable; thread-safe.
/// </summary>
public sealed class ScalarQuantizer
{
    public const int Levels = 256;

    /// <summary>Fraction of each dimension's values left outside the range at each end (0: raw min and max).</summary>
    public const double DefaultTrim = 0.0005;

    public ScalarQuantizer(float[] min, float[] step)
    {
        if (min.Length != step.Length || min.Length == 0)
        {
            throw new ArgumentException($"min ({min.Length}) and step ({step.Length}) need one value per dimension.");
        }

        Min = min;
        Step = step;
    }

    public int Dimensions => Min.Length;

    /// <summary>Per-dimension value of code 0.</summary>
    public float[] Min { get; }

    /// <summary>Per-dimension value between two codes (positive).</summary>
    public float[] Step { get; }

    /// <summary>Trains the range of each dimension on <paramref name="rows"/> (row-major, n × d).</summary>
    public static ScalarQuantizer Train(ReadOnlySpan<float> rows, int dimensions, double trim = DefaultTrim)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(trim);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(trim, 0.5);
        int n = rows.Length / dimensions;
        if (n < 1)
        {
            throw new ArgumentException("a quantiser needs at least one row to train on.", nameof(rows));
        }

        var min = new float[dimensions];
        var step = new float[dimensions];
        var column = new float[n];
        int low = (int)Math.Floor(trim * (n - 1));
        int high = (n - 1) - low;
        for (int j = 0; j < dimensions; j++)
        {
            for (int i = 0; i < n; i++)
            {
                column[i] = rows[(i * dimensions) + j];
            }

            Array.Sort(column);
            float lo = column[low];
            float hi = column[high];

            // A constant dimension still needs a positive step: any value decodes to lo exactly.
            min[j] = lo;
            step[j] = hi > lo ? (hi - lo) / (Levels - 1) : 1e-7f;
        }

        return new ScalarQuantizer(min, step);
    }

    /// <summary>The code of one value of dimension <paramref name="j"/>: nearest level, clamped to 0..255.</summary>
    public byte Encode(float value, int j)
    {
        float level = MathF.Round((value - Min[j]) / Step[j]);
        return (byte)Math.Clamp(level, 0f, Levels - 1);
    }

    public float Decode(byte code, int j) => Min[j] + (Step[j] * code);

    /// <summary>
    /// What the scan needs of a unit query: q ⊙ step (the weight of each code) and q · min (the constant), so
    /// that q · decode(codes) = bias + Σ_j weights_j · code_j without decoding a row.
    /// </summary>
    public float PrepareQuery(ReadOnlySpan<float> query, Span<float> weights)
    {
        TensorPrimitives.Multiply(query, Step, weights[..Dimensions]);
        return TensorPrimitives.Dot(query, Min);
    }
}
