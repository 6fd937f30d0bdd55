using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Grains.Storage;

/// <summary>
/// <see cref="IIndexFileStore"/> over a directory every silo can reach (the single-silo default, or a shared
/// mount; tests give all in-process silos one temp root). Names map to paths under the root, so the root
/// holds each index as an engine index directory (<c>root/name/manifest.json</c>, <c>gen-…</c> folders) that
/// <c>hyperd search</c> can open directly. Writes go to a temporary file and are renamed, so readers never
/// see part of a file. Thread-safe. File work runs on the thread pool, off the grain scheduler.
/// </summary>
public sealed class LocalDirectoryFileStore : IIndexFileStore
{
    private readonly string _root;

    public LocalDirectoryFileStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public Task UploadAsync(string localPath, string name, CancellationToken cancellationToken = default) =>
        Task.Run(() => CopyAtomically(localPath, PathOf(name), cancellationToken), cancellationToken);

    public Task DownloadAsync(string name, string localPath, CancellationToken cancellationToken = default) =>
        Task.Run(
            () =>
            {
                string source = PathOf(name);
                if (!File.Exists(source))
                {
                    throw new FileNotFoundException($"'{name}' is not in the file store at '{_root}'.", name);
                }

                CopyAtomically(source, localPath, cancellationToken);
            },
            cancellationToken);

    /// <summary>A failed write is cut back to the expected length, so only a crash can leave a part (which log readers detect).</summary>
    public int MaxAtomicAppendBytes => int.MaxValue;

    public Task<long> AppendAsync(string name, ReadOnlyMemory<byte> data, long expectedLength, CancellationToken cancellationToken = default) =>
        Task.Run(
            () =>
            {
                string path = PathOf(name);
                cancellationToken.ThrowIfCancellationRequested();
                if (expectedLength == 0)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                }
                else if (!File.Exists(path))
                {
                    throw new AppendConflictException(name, expectedLength, null);
                }

                using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
                if (file.Length != expectedLength)
                {
                    throw new AppendConflictException(name, expectedLength, file.Length);
                }

                try
                {
                    file.Seek(expectedLength, SeekOrigin.Begin);
                    file.Write(data.Span);
                    file.Flush(flushToDisk: true);
                }
                catch
                {
                    file.SetLength(expectedLength);
                    throw;
                }

                return file.Length;
            },
            cancellationToken);

    public Task<byte[]> ReadAllBytesAsync(string name, CancellationToken cancellationToken = default) =>
        Task.Run(
            () =>
            {
                string path = PathOf(name);
                try
                {
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    var bytes = new byte[file.Length];
                    file.ReadExactly(bytes);
                    return bytes;
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    throw new FileNotFoundException($"'{name}' is not in the file store at '{_root}'.", name, e);
                }
            },
            cancellationToken);

    public Task<StoredHead?> ReadHeadAsync(string name, int maxBytes, CancellationToken cancellationToken = default) =>
        Task.Run(
            () =>
            {
                ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
                try
                {
                    using var file = new FileStream(PathOf(name), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    var bytes = new byte[(int)Math.Min(maxBytes, file.Length)];
                    file.ReadExactly(bytes);
                    return new StoredHead(file.Length, bytes);
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    return (StoredHead?)null;
                }
            },
            cancellationToken);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(File.Exists(PathOf(name)));

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        Task.Run<IReadOnlyList<string>>(() => [.. Matching(prefix).Select(p => p.Name).Order(StringComparer.Ordinal)], cancellationToken);

    public Task DeletePrefixAsync(string prefix, CancellationToken cancellationToken = default) =>
        Task.Run(
            () =>
            {
                foreach ((string _, string path) in Matching(prefix).ToList())
                {
                    File.Delete(path);
                }

                RemoveEmptyFolders(_root);
            },
            cancellationToken);

    /// <summary>Every stored file whose name starts with <paramref name="prefix"/>; temporary files are not names.</summary>
    private IEnumerable<(string Name, string Path)> Matching(string prefix)
    {
        ValidateName(prefix, allowEmpty: true);
        return Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .Where(p => !p.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(p => (Name: Path.GetRelativePath(_root, p).Replace(Path.DirectorySeparatorChar, '/'), Path: p))
            .Where(x => x.Name.StartsWith(prefix, StringComparison.Ordinal));
    }

    private string PathOf(string name)
    {
        ValidateName(name, allowEmpty: false);
        return Path.Combine(_root, name.Replace('/', Path.DirectorySeparatorChar));
    }

    /// <summary>Names are relative and never climb out of the root: a bad name is a bug, so it is refused loudly.</summary>
    private static void ValidateName(string name, bool allowEmpty)
    {
        if ((!allowEmpty && string.IsNullOrEmpty(name)) || name.StartsWith('/') || name.Contains('\\') || name.Split('/').Any(part => part == ".."))
        {
            throw new ArgumentException($"'{name}' is not a file store name: use a relative '/'-separated path without '..'.", nameof(name));
        }
    }

    private static void CopyAtomically(string source, string target, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string temp = AtomicFile.TempPathFor(target);
        try
        {
            File.Copy(source, temp);
            AtomicFile.Commit(temp, target);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static void RemoveEmptyFolders(string folder)
    {
        foreach (string child in Directory.EnumerateDirectories(folder))
        {
            RemoveEmptyFolders(child);
            try
            {
                if (!Directory.EnumerateFileSystemEntries(child).Any())
                {
                    Directory.Delete(child);
                }
            }
            catch (IOException)
            {
                // A writer created a file in it meanwhile: the folder stays, which is right.
            }
        }
    }
}
