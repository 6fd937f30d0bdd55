namespace HyperdOrleans.Engine.Storage;

/// <summary>An index file or manifest that is missing, truncated, corrupted or of an unknown layout. The message names the file.</summary>
public sealed class IndexFormatException(string path, string problem)
    : IOException($"Index file '{path}': {problem}")
{
    public string FilePath { get; } = path;
}
