using System.Text.RegularExpressions;

namespace HyperdOrleans.Docs.Tests;

/// <summary>
/// The relative links of a Markdown file: inline <c>[text](target)</c> and <c>![alt](target)</c>, and reference
/// definitions <c>[name]: target</c>. Links with a scheme (https:, mailto:) and links to a heading of the same
/// file (<c>#...</c>) are not file links; a target's <c>#fragment</c> and <c>?query</c> are dropped. Fenced code
/// blocks and inline code spans are skipped: what is in them is text, not a link.
/// </summary>
internal static partial class MarkdownLinks
{
    public sealed record Link(int Line, string Target);

    public static IReadOnlyList<Link> Relative(string markdown)
    {
        var links = new List<Link>();
        string[] lines = markdown.Split('\n');
        bool inFence = false;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (Fence().IsMatch(line))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence)
            {
                continue;
            }

            string text = CodeSpan().Replace(line, "");
            foreach (Match match in Inline().Matches(text))
            {
                Add(links, i + 1, match.Groups["target"].Value);
            }

            if (Reference().Match(text) is { Success: true } definition)
            {
                Add(links, i + 1, definition.Groups["target"].Value);
            }
        }

        return links;
    }

    /// <summary>The file a relative target names, from the folder of the Markdown file that links to it.</summary>
    public static string Resolve(string root, string markdownFile, string target)
    {
        string folder = Path.GetDirectoryName(Path.Combine(root, markdownFile))!;
        string path = Uri.UnescapeDataString(target);
        return Path.GetFullPath(path.StartsWith('/') ? Path.Combine(root, path.TrimStart('/')) : Path.Combine(folder, path));
    }

    private static void Add(List<Link> links, int line, string raw)
    {
        string target = raw.Trim().Trim('<', '>');
        if (target.Length == 0 || target.StartsWith('#') || Scheme().IsMatch(target))
        {
            return;
        }

        int cut = target.IndexOfAny(['#', '?']);
        if (cut >= 0)
        {
            target = target[..cut];
        }

        if (target.Length > 0)
        {
            links.Add(new Link(line, target));
        }
    }

    [GeneratedRegex(@"^\s*(```|~~~)")]
    private static partial Regex Fence();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex CodeSpan();

    // [text](target "title") — the target is everything up to whitespace or the closing bracket.
    [GeneratedRegex(@"\]\((?<target><[^>]*>|[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Inline();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*(?<target>\S+)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();
}
