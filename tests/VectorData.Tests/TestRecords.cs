namespace HyperdOrleans.VectorData.Tests;

/// <summary>Deterministic products and vectors: every field value varies with the record number, some are null.</summary>
public static class TestRecords
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static float[] Vector(int i, int dimensions = Product<long>.Dimensions, int seed = 11)
    {
        var random = new Random(seed * 1_000_003 + i);
        return [.. Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1))];
    }

    public static Product<TKey> Make<TKey>(int i, TKey key) => new()
    {
        Key = key,
        Category = i % 11 == 0 ? null : $"c{i % 5}",
        Band = i * 7 % 20,
        Stock = i % 3 == 0 ? null : i * 13 % 50,
        Price = i * 37 % 1000 / 10.0,
        Active = i % 2 == 0,
        Listed = Epoch.AddHours(i),
        Tags = i % 4 == 0 ? ["red", "big"] : i % 4 == 1 ? ["blue"] : i % 4 == 2 ? ["red"] : [],
        Labels = i % 6 == 0 ? null : [$"l{i % 3}"],
        Title = $"product {i}",
        Vector = Vector(i),
    };

    public static Product<long>[] Many(int count, int first = 0) => [.. Enumerable.Range(first, count).Select(i => Make(i, (long)i))];

    /// <summary>Cosine similarity, as the index scores.</summary>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);

    public static float[] Unit(ReadOnlySpan<float> v)
    {
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(v);
        return [.. v.ToArray().Select(x => x / norm)];
    }
}
