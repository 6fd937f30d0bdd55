using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Grains.Serialization;

/// <summary>
/// The engine's <see cref="IndexManifest"/> in grain state and messages, as the JSON manifest.json holds: one model,
/// and the engine (which has no Orleans reference) keeps its file format as the only encoding.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.IndexManifest")]
public struct IndexManifestSurrogate
{
    [Id(0)]
    public string Json;
}

[RegisterConverter]
public sealed class IndexManifestSurrogateConverter : IConverter<IndexManifest, IndexManifestSurrogate>
{
    public IndexManifest ConvertFromSurrogate(in IndexManifestSurrogate surrogate) => ManifestStore.FromJson(surrogate.Json, "grain state");

    public IndexManifestSurrogate ConvertToSurrogate(in IndexManifest value) => new() { Json = ManifestStore.ToJson(value) };
}
