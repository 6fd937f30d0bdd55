using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Grains.Storage;

/// <summary>
/// File store names of an index. They mirror an engine index directory (<c>index/manifest.json</c>,
/// <c>index/gen-000002/bucket-3.lists</c>), so the store's copy of an index, or a silo's cache of it, opens
/// with the engine as it is.
/// </summary>
public static class StoreNames
{
    public static string IndexPrefix(string index) => $"{index}/";

    public static string Manifest(string index) => $"{index}/{ManifestStore.FileName}";

    public static string GenerationPrefix(string index, long generation) => $"{index}/{ManifestStore.GenerationFolder(generation)}/";

    /// <summary>A file the engine names relative to the index directory (as its manifest does).</summary>
    public static string InIndex(string index, string relative) => $"{index}/{relative.Replace('\\', '/')}";

    public static string Spill(string index, long generation, int bucket) => $"{GenerationPrefix(index, generation)}spill/bucket-{bucket}.spill";

    /// <summary>A bucket's labels (its rows' clusters, in spill order), from its training job to its shard jobs.</summary>
    public static string Labels(string index, long generation, int bucket) => $"{GenerationPrefix(index, generation)}spill/bucket-{bucket}.labels";

    public static string Pending(string index, long generation, int bucket) => $"{GenerationPrefix(index, generation)}pending/bucket-{bucket}.spill";

    public static string SpillPrefix(string index, long generation) => $"{GenerationPrefix(index, generation)}spill/";

    public static string PendingPrefix(string index, long generation) => $"{GenerationPrefix(index, generation)}pending/";

    /// <summary>The index's write-ahead log: numbered segments, oldest first.</summary>
    public static string LogPrefix(string index) => $"{index}/log/";

    public static string LogSegment(string index, long number) => $"{LogPrefix(index)}segment-{number:D10}.wal";

    /// <summary>The number of a log segment's name, or null for another name.</summary>
    public static long? LogSegmentNumber(string index, string name)
    {
        string prefix = $"{LogPrefix(index)}segment-";
        return name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".wal", StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(prefix.Length, name.Length - prefix.Length - 4), out long n) ? n : null;
    }
}
