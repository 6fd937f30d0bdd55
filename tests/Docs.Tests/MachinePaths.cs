using System.Text.RegularExpressions;

namespace HyperdOrleans.Docs.Tests;

/// <summary>
/// The rule for paths in committed Markdown. A doc is read on other machines, so it must not show where a file
/// happened to live on the machine of whoever wrote it. Flagged:
/// <list type="bullet">
/// <item>home directories: <c>/home/NAME</c>, <c>/root</c>, <c>/Users/NAME</c>, <c>C:\Users\NAME</c> (either slash, any drive);</item>
/// <item>work trees: <c>/work/...</c>;</item>
/// <item><c>file://</c> URLs;</item>
/// <item><c>/tmp/...</c>, except example directories named <c>/tmp/hyperd-NAME</c> (the quick start's
/// <c>/tmp/hyperd-demo</c>): a command that creates such a directory runs as written on any machine;</item>
/// <item><c>~/...</c>, except the documented defaults of the tools: <c>~/.cache/hyperd</c> (generated and
/// downloaded data) and <c>~/.local/share/hyperd</c> (the embedded silo's data). <c>~</c> is the reader's own home,
/// so these read the same everywhere; any other place under it is someone's private layout.</item>
/// </list>
/// System locations that are the same on every machine of a distribution (<c>/usr/bin/python3</c>,
/// <c>/usr/lib/...</c>, <c>/data</c> inside a container) are not flagged. A path counts only where it starts a
/// word (after a space, quote, bracket, '=' or ':'), so a URL such as <c>https://host/home/x</c> is not a path.
/// </summary>
internal static partial class MachinePaths
{
    /// <summary>The allowed <c>/tmp</c> examples: a directory named hyperd-something, and what is inside it.</summary>
    public const string TmpExamplePrefix = "/tmp/hyperd-";

    public static readonly string[] AllowedHomePaths = ["~/.cache/hyperd", "~/.local/share/hyperd"];

    public sealed record Finding(int Line, string Path);

    public static IReadOnlyList<Finding> Find(string markdown)
    {
        var findings = new List<Finding>();
        string[] lines = markdown.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            foreach (Match match in Candidate().Matches(lines[i]))
            {
                string path = match.Groups["path"].Value.TrimEnd('.', ',', ';', ':', ')', ']', '`', '\'', '"', '*');
                if (!IsAllowed(path))
                {
                    findings.Add(new Finding(i + 1, path));
                }
            }
        }

        return findings;
    }

    private static bool IsAllowed(string path)
    {
        if (path.StartsWith("/tmp/", StringComparison.Ordinal))
        {
            return path.StartsWith(TmpExamplePrefix, StringComparison.Ordinal) && path.Length > TmpExamplePrefix.Length;
        }

        if (path.StartsWith('~'))
        {
            return AllowedHomePaths.Any(allowed => path == allowed || path.StartsWith(allowed + "/", StringComparison.Ordinal));
        }

        return false;
    }

    // A path starts a word: line start, whitespace, or one of ` ' " ( [ < = : , before it.
    [GeneratedRegex("""
        (?<=^|[\s`'"(\[<=:,])(?<path>
            file://\S*
          | /(?:home|Users)/[^\s/`'")\]]+\S*
          | /root(?:/\S*)?(?=$|[\s`'")\],.;:])
          | /work/\S*
          | /tmp/\S*
          | ~/\S*
          | [A-Za-z]:[\\/](?:Users|Documents\ and\ Settings)[\\/]\S*
        )
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Candidate();
}
