using HyperdOrleans.Engine.Io;
using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// A build source held in the cluster's file store (<see cref="Abstractions.BuildRequest.SourceObject"/>): its header is checked
/// from the object's first bytes when the build is asked for, and the whole object is copied to the silo's scratch folder, streamed
/// by the store, when the rebuild runs. Errors name the object, never the scratch path. Stateless; safe for concurrent use.
/// </summary>
internal static class ImportedSource
{
    // Holds an .fvecs first row and any .npy header written by numpy (a few hundred bytes).
    private const int HeadBytes = 64 * 1024;

    /// <summary>
    /// The shape of <paramref name="name"/>, read from its length and first bytes: a local file of the object's length that holds only
    /// those bytes (sparse where the file system allows) goes through the same header checks as a file on disk. Deletes
    /// <paramref name="scratch"/>, which must be a folder of its own.
    /// </summary>
    /// <exception cref="ArgumentException">The object is missing or is not a vector file.</exception>
    public static async Task<VectorFile> ProbeAsync(IIndexFileStore store, string name, int? rawDimensions, string scratch)
    {
        StoredHead head = await store.ReadHeadAsync(name, HeadBytes)
            ?? throw new ArgumentException(
                $"source object '{name}' cannot be read as a vector file: it is not in the cluster's file store; upload it first "
                    + "(hyperd import upload, or Azure.Storage.Blobs into the cluster's container).",
                "request");
        string local = LocalPath(scratch, name);
        try
        {
            Directory.CreateDirectory(scratch);
            await using (var file = new FileStream(local, FileMode.CreateNew, FileAccess.Write))
            {
                await file.WriteAsync(head.Bytes);
                file.SetLength(head.Length);
            }

            return Open(local, name, rawDimensions, e => new ArgumentException(e, "request"));
        }
        finally
        {
            // The folder is this probe's own (a ScratchNames folder): what a crash leaves, the scratch sweeper removes.
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Scratch space only.
            }
        }
    }

    /// <summary>Copies <paramref name="name"/> into <paramref name="scratch"/> and opens the copy; the source's name is the object's.</summary>
    /// <exception cref="InvalidDataException">The object changed into something that is not a vector file since it was probed.</exception>
    public static async Task<IVectorSource> DownloadAsync(IIndexFileStore store, string name, int? rawDimensions, string scratch)
    {
        string local = LocalPath(scratch, name);
        try
        {
            await store.DownloadAsync(name, local);
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidDataException($"source object '{name}' was deleted from the cluster's file store before the build read it.", e);
        }

        return new Named(new VectorFileSource(Open(local, name, rawDimensions, m => new InvalidDataException(m))), name);
    }

    /// <summary>The object's file name keeps its extension, which chooses the format as for a file on disk.</summary>
    private static string LocalPath(string scratch, string name) => Path.Combine(scratch, name[(name.LastIndexOf('/') + 1)..]);

    private static VectorFile Open(string local, string name, int? rawDimensions, Func<string, Exception> refusal)
    {
        try
        {
            return VectorFile.Open(local, rawDimensions);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            throw refusal($"source object '{name}' cannot be read as a vector file: {e.Message.Replace(local, name, StringComparison.Ordinal)}");
        }
    }

    /// <summary>The downloaded copy, named in messages and in the manifest by the object it came from.</summary>
    private sealed class Named(IVectorSource inner, string name) : IVectorSource
    {
        public string Name => name;

        public int Dimensions => inner.Dimensions;

        public long Count => inner.Count;

        public IVectorSourceReader OpenReader() => inner.OpenReader();
    }
}
