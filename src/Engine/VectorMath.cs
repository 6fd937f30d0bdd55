using System.Numerics.Tensors;

namespace HyperdOrleans.Engine;

/// <summary>Validation and normalisation of vectors for cosine similarity. Thread-safe (stateless).</summary>
public static class VectorMath
{
    /// <summary>
    /// Scales <paramref name="vector"/> to unit length so that cosine similarity becomes a dot product.
    /// Throws <see cref="InvalidVectorException"/> naming <paramref name="what"/> for NaN, infinity or a zero vector.
    /// </summary>
    public static void NormalizeInPlace(Span<float> vector, string what)
    {
        // A NaN or infinite component makes the squared norm NaN or infinite, so one reduction checks both.
        float squared = TensorPrimitives.Dot(vector, vector);
        if (!float.IsFinite(squared))
        {
            ThrowNonFinite(vector, what);
        }

        if (squared <= 0f)
        {
            throw new InvalidVectorException($"{what} is a zero vector: cosine similarity is undefined for it.");
        }

        TensorPrimitives.Multiply(vector, 1f / MathF.Sqrt(squared), vector);
    }

    /// <summary>Normalises every row of a row-major matrix; <paramref name="firstRow"/> numbers rows in messages.</summary>
    public static void NormalizeRows(Span<float> rows, int dimensions, long firstRow, string source)
    {
        int count = rows.Length / dimensions;
        for (int r = 0; r < count; r++)
        {
            Span<float> row = rows.Slice(r * dimensions, dimensions);
            float squared = TensorPrimitives.Dot(row, row);
            if (!float.IsFinite(squared) || squared <= 0f)
            {
                NormalizeInPlace(row, $"{source} row {firstRow + r}"); // throws with the reason
            }

            TensorPrimitives.Multiply(row, 1f / MathF.Sqrt(squared), row);
        }
    }

    /// <summary>Checks a query's length, then normalises a copy of it.</summary>
    public static float[] PrepareQuery(ReadOnlySpan<float> query, int dimensions, string what = "query")
    {
        if (query.Length != dimensions)
        {
            throw new InvalidVectorException($"{what} has {query.Length} dimensions; the index has {dimensions}.");
        }

        float[] copy = query.ToArray();
        NormalizeInPlace(copy, what);
        return copy;
    }

    private static void ThrowNonFinite(ReadOnlySpan<float> vector, string what)
    {
        for (int i = 0; i < vector.Length; i++)
        {
            if (float.IsNaN(vector[i]))
            {
                throw new InvalidVectorException($"{what} has NaN at component {i}.");
            }

            if (float.IsInfinity(vector[i]))
            {
                throw new InvalidVectorException($"{what} has an infinite value at component {i}.");
            }
        }

        throw new InvalidVectorException($"{what} has components too large to normalise (its squared norm overflows).");
    }
}
