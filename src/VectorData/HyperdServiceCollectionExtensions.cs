using HyperdOrleans.Client;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.VectorData;

namespace HyperdOrleans.VectorData;

/// <summary>Registers a <see cref="HyperdVectorStore"/> over the <see cref="HyperdClient"/> the container already has.</summary>
public static class HyperdServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="HyperdVectorStore"/> (also as <see cref="VectorStore"/>) built on the registered <see cref="HyperdClient"/>.
    /// Without options' <see cref="HyperdVectorStoreOptions.EmbeddingGenerator"/>, a registered <see cref="IEmbeddingGenerator"/> is used, or
    /// else a registered text generator (<c>IEmbeddingGenerator&lt;string, Embedding&lt;float&gt;&gt;</c>, as most apps register one).
    /// </summary>
    public static IServiceCollection AddHyperdVectorStore(this IServiceCollection services, HyperdVectorStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp => new HyperdVectorStore(
            sp.GetRequiredService<HyperdClient>(),
            new HyperdVectorStoreOptions { EmbeddingGenerator = options?.EmbeddingGenerator
                ?? sp.GetService<IEmbeddingGenerator>()
                ?? sp.GetService<IEmbeddingGenerator<string, Embedding<float>>>() }));
        services.AddSingleton<VectorStore>(sp => sp.GetRequiredService<HyperdVectorStore>());
        return services;
    }
}
