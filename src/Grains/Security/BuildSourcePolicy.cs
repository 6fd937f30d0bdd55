using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Grains.Security;

/// <summary>
/// Which files a build may read: only files inside <see cref="HyperdOptions.ImportRoots"/>, judged on the real path
/// (<c>..</c> collapsed, every symbolic link followed), so a client cannot make a silo read <c>/etc/passwd</c> or the
/// cluster's secrets. A refused path gets one message whatever lies behind it, so a refusal tells nothing about files
/// outside the roots. Stateless; safe for concurrent use.
/// </summary>
public static class BuildSourcePolicy
{
    private const int MaxLinks = 40;

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// The real path of <paramref name="sourcePath"/> when it lies inside an import root; the build must open that
    /// path, not the one given (a link swapped in between is the only gap, and needs write access to a root).
    /// </summary>
    /// <exception cref="ArgumentException">The path is outside every root (or no root is configured).</exception>
    public static string Admit(HyperdOptions options, string sourcePath)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sourcePath);
        if (options.ImportRoots.Count == 0)
        {
            throw new ArgumentException(
                $"source '{sourcePath}' is not inside an import root of this cluster (Hyperd:ImportRoots); this cluster has none: "
                    + "set Hyperd:ImportRoots on its silos to build from files, or rebuild from the index's own data.",
                nameof(sourcePath));
        }

        string? real = TryRealPath(sourcePath);
        if (real is not null && options.ImportRoots.Any(root => IsInside(real, TryRealPath(root))))
        {
            return real;
        }

        throw new ArgumentException(
            $"source '{sourcePath}' is not inside an import root of this cluster (Hyperd:ImportRoots); put the file under "
                + "one of them, or ask the operator to add its directory.",
            nameof(sourcePath));
    }

    /// <summary>
    /// Checks <paramref name="sourcePath"/> and reads its header, so a missing or malformed file inside a root fails
    /// the request now as an <see cref="ArgumentException"/> (with the reader's reason) rather than in the background.
    /// </summary>
    public static (string RealPath, VectorFile File) AdmitAndOpen(HyperdOptions options, string sourcePath, int? rawDimensions)
    {
        string real = Admit(options, sourcePath);
        try
        {
            return (real, VectorFile.Open(real, rawDimensions));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"source '{sourcePath}' cannot be read as a vector file: {e.Message}", nameof(sourcePath));
        }
    }

    /// <summary>
    /// The root directories of this machine's file systems: what a single-user host (the embedded silo, the tool's own
    /// silo) admits, since whoever calls it already reads those files.
    /// </summary>
    public static IReadOnlyList<string> EveryPath() =>
        OperatingSystem.IsWindows() ? [.. DriveInfo.GetDrives().Select(d => d.RootDirectory.FullName)] : ["/"];

    private static bool IsInside(string path, string? root)
    {
        if (root is null)
        {
            return false;
        }

        string prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, PathComparison);
    }

    /// <summary>realpath(3) for a path whose tail may not exist: links are followed component by component; null when it
    /// cannot be resolved (a link loop, an unreadable directory), which callers treat as outside.</summary>
    private static string? TryRealPath(string path)
    {
        try
        {
            string current = Path.GetFullPath(path);
            for (int links = 0; links <= MaxLinks; links++)
            {
                string? next = FollowFirstLink(current);
                if (next is null)
                {
                    return current;
                }

                current = next;
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>The path with its first symbolic link replaced by the link's target, or null when no component is a link.</summary>
    private static string? FollowFirstLink(string full)
    {
        string root = Path.GetPathRoot(full)!;
        string[] parts = full[root.Length..].Split(
            [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar],
            StringSplitOptions.RemoveEmptyEntries);
        string current = root;
        for (int i = 0; i < parts.Length; i++)
        {
            string next = Path.Combine(current, parts[i]);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                // A relative target is relative to the link's directory; the rest of the path follows the target.
                return Path.GetFullPath(Path.Combine([Path.GetFullPath(target, current), .. parts[(i + 1)..]]));
            }

            current = next;
        }

        return null;
    }
}
