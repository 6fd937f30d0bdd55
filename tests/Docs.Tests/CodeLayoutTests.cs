namespace HyperdOrleans.Docs.Tests;

/// <summary>The code keeps the line length <c>.editorconfig</c> sets.</summary>
public class CodeLayoutTests
{
    [Fact]
    public void NoCommittedCSharpLineIsLongerThanTheEditorConfigAllows()
    {
        int limit = LineLength.FromEditorConfig(File.ReadAllText(Path.Combine(RepositoryFiles.Root, ".editorconfig")));
        var problems = new List<string>();
        foreach (string file in RepositoryFiles.Committed("*.cs"))
        {
            string text = File.ReadAllText(Path.Combine(RepositoryFiles.Root, file));
            problems.AddRange(LineLength.Over(text, limit).Select(l => $"{file}:{l.Line}: {l.Length} characters"));
        }

        Assert.True(problems.Count == 0, $"Lines over max_line_length = {limit} (.editorconfig):\n" + string.Join('\n', problems));
    }

    [Fact]
    public void CommittedCSharpIsFound()
    {
        Assert.Contains("src/Engine/Search/SearchFlow.cs", RepositoryFiles.Committed("*.cs"));
    }

    [Fact]
    public void LongLinesAreFoundAndCountedInCharacters()
    {
        string text = "short\r\n" + new string('x', 151) + "\n" + new string('√', 150) + "\n";

        Assert.Equal([(2, 151)], LineLength.Over(text, 150));
    }

    [Fact]
    public void TheLimitIsReadFromTheAllFilesSection()
    {
        const string config = "root = true\n\n[*]\nindent_size = 4\nmax_line_length = 150\n\n[*.json]\nmax_line_length = 80\n";
        Assert.Equal(150, LineLength.FromEditorConfig(config));
        Assert.Throws<InvalidOperationException>(() => LineLength.FromEditorConfig("[*.cs]\nmax_line_length = 150\n"));
    }
}
