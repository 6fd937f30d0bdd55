namespace HyperdOrleans.Engine.Build;

/// <summary>
/// The one-writer-at-a-time lock of an index directory: an exclusive, delete-on-close file. Builds hold it for the
/// whole build; tuning holds it only while it replaces the manifest, so neither can switch the directory under the other.
/// </summary>
internal static class BuildLock
{
    public const string FileName = ".build.lock";

    public static FileStream Acquire(string indexDirectory)
    {
        string path = Path.Combine(indexDirectory, FileName);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new IOException($"Another build of '{indexDirectory}' is running (it holds {path}); wait for it to finish.", e);
        }
    }
}
