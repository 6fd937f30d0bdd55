using System.Diagnostics;

namespace HyperdOrleans.Docs.Tests;

/// <summary>Finds the repository root and the files committed in it.</summary>
internal static class RepositoryFiles
{
    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", ".git"];

    /// <summary>The nearest folder above the test's output that holds HyperdOrleans.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// Committed Markdown files, relative to <see cref="Root"/> with '/' separators: <c>git ls-files '*.md'</c>, or a
    /// directory walk (without bin, obj, node_modules and .git) where git or the repository's history is not available.
    /// </summary>
    public static IReadOnlyList<string> Markdown() => Committed("*.md");

    /// <summary>Committed files whose names match <paramref name="pattern"/> (a file-name wildcard such as <c>*.cs</c>), as
    /// <see cref="Markdown"/>.</summary>
    public static IReadOnlyList<string> Committed(string pattern) => FromGit(pattern) ?? FromWalk(pattern);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HyperdOrleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no HyperdOrleans.sln above {AppContext.BaseDirectory}: run the tests from the repository.");
    }

    private static List<string>? FromGit(string pattern)
    {
        try
        {
            var start = new ProcessStartInfo("git")
            {
                WorkingDirectory = Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[] { "ls-files", "-z", "--", pattern })
            {
                start.ArgumentList.Add(arg);
            }

            using Process git = Process.Start(start)!;
            string output = git.StandardOutput.ReadToEnd();
            git.StandardError.ReadToEnd();
            git.WaitForExit();
            if (git.ExitCode != 0)
            {
                return null;
            }

            // A file deleted in the work tree but not yet in the index is no longer one anyone reads.
            List<string> files = [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(f => File.Exists(Path.Combine(Root, f)))];
            return files.Count > 0 ? files : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine
        }
    }

    private static List<string> FromWalk(string pattern) =>
        [.. Walk(new DirectoryInfo(Root), pattern).Select(f => Path.GetRelativePath(Root, f.FullName).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];

    private static IEnumerable<FileInfo> Walk(DirectoryInfo dir, string pattern)
    {
        foreach (FileInfo file in dir.EnumerateFiles(pattern))
        {
            yield return file;
        }

        foreach (DirectoryInfo sub in dir.EnumerateDirectories())
        {
            if (SkippedFolders.Contains(sub.Name) || sub.Name.StartsWith('.'))
            {
                continue;
            }

            foreach (FileInfo file in Walk(sub, pattern))
            {
                yield return file;
            }
        }
    }
}
