using Microsoft.Extensions.AI;

namespace HyperdOrleans.VectorData.Tests;

/// <summary>
/// A test double of an embedding model: each text becomes the counts of its letters folded into <see cref="Dimensions"/> buckets, so equal
/// texts embed equally and texts sharing letters are close. Counts its calls.
/// </summary>
public sealed class FakeEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 8;

    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Calls++;
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));
    }

    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (char c in text)
        {
            vector[c % Dimensions] += 1 + c % 3;
        }

        vector[0] += 0.5f;
        return vector;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
