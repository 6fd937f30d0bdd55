using System.Text.RegularExpressions;

namespace HyperdOrleans.Docs.Tests;

/// <summary>The line length the repository's <c>.editorconfig</c> sets, and the lines of a text that exceed it.</summary>
internal static partial class LineLength
{
    /// <summary>The <c>max_line_length</c> of the <c>[*]</c> section; <see cref="InvalidOperationException"/> if it sets none.</summary>
    public static int FromEditorConfig(string text)
    {
        string? section = null;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith('['))
            {
                section = line;
            }
            else if (section == "[*]" && MaxLineLength().Match(line) is { Success: true } m)
            {
                return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException(".editorconfig sets no max_line_length in its [*] section.");
    }

    /// <summary>1-based numbers and lengths (in characters) of the lines longer than <paramref name="limit"/>.</summary>
    public static IEnumerable<(int Line, int Length)> Over(string text, int limit) =>
        text.Split('\n').Select((line, i) => (Line: i + 1, Length: line.TrimEnd('\r').Length)).Where(l => l.Length > limit);

    [GeneratedRegex(@"^max_line_length\s*=\s*(\d+)$")]
    private static partial Regex MaxLineLength();
}
