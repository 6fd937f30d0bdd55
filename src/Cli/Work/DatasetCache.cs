using HyperdOrleans.Cli.Console;
using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary>Paths of a generated base set and its queries.</summary>
internal sealed record DatasetFiles(string BasePath, string QueriesPath);

/// <summary>
/// Synthetic data sets for <c>hyperd bench --generate</c>, kept in a cache folder (never in the repository) and
/// named by everything that determines their content, so a second run with the same settings reuses them.
/// </summary>
internal static class DatasetCache
{
    /// <summary>$XDG_CACHE_HOME/hyperd, else ~/.cache/hyperd.</summary>
    public static string DefaultFolder()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg;
        return Path.Combine(root, "hyperd");
    }

    public static DatasetFiles Ensure(
        CliContext context,
        SyntheticKind kind,
        long count,
        int dimensions,
        int seed,
        int queryCount,
        string folder,
        CancellationToken cancellationToken)
    {
        string name = kind.ToString().ToLowerInvariant();

        // Queries come from their own stream, independent of the base size: one query file serves every --n.
        var files = new DatasetFiles(
            Path.GetFullPath(Path.Combine(folder, $"{name}-{count}x{dimensions}-seed{seed}.fvecs")),
            Path.GetFullPath(Path.Combine(folder, $"{name}-{dimensions}d-seed{seed}-queries{queryCount}.fvecs")));
        List<SyntheticRequest> missing = [];
        void Plan(string path, long rows, SyntheticData.Stream stream, string label)
        {
            if (IsComplete(path, dimensions, rows))
            {
                context.Ui.WriteLine($"data: reusing {path}");
            }
            else
            {
                missing.Add(new(kind, dimensions, seed, stream, rows, path, label));
            }
        }

        Plan(files.BasePath, count, SyntheticData.Stream.Base, "generate base");
        Plan(files.QueriesPath, queryCount, SyntheticData.Stream.Queries, "generate queries");
        if (missing.Count > 0)
        {
            context.Ui.WriteLine($"data: writing {string.Join(" and ", missing.Select(m => m.Path))}");
            SyntheticFiles.Write(context, missing, cancellationToken);
        }

        return files;
    }

    /// <summary>Files are renamed into place only when complete, so a present file of the right shape is whole.</summary>
    private static bool IsComplete(string path, int dimensions, long count)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        try
        {
            return VectorFile.Open(path, dimensions).Count == count;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
