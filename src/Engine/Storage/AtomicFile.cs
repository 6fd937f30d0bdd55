namespace HyperdOrleans.Engine.Storage;

/// <summary>
/// Replaces a file all at once: written beside it under a temporary name, flushed to the disk, then renamed
/// over it (qdrant's storage_version pattern). A reader sees the old file or the new one, never half of one.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> contents)
    {
        string temp = TempPathFor(path);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }

        Commit(temp, path);
    }

    /// <summary>A unique temporary name in the same folder, so the final rename stays on one file system.</summary>
    public static string TempPathFor(string path) => $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";

    /// <summary>Flushes <paramref name="temp"/> to the disk and renames it to <paramref name="path"/>, replacing any old file.</summary>
    public static void Commit(string temp, string path)
    {
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
        {
            stream.Flush(flushToDisk: true); // fsync even with nothing buffered
        }

        File.Move(temp, path, overwrite: true);
    }
}
