namespace HyperdOrleans.Docs.Tests;

/// <summary>The committed Markdown is readable on any machine, and its links lead somewhere.</summary>
public class DocsTests
{
    [Fact]
    public void CommittedMarkdownIsFound()
    {
        IReadOnlyList<string> files = RepositoryFiles.Markdown();
        Assert.Contains("README.md", files);
    }

    [Fact]
    public void NoCommittedMarkdownShowsAnAbsoluteMachinePath()
    {
        var problems = new List<string>();
        foreach (string file in RepositoryFiles.Markdown())
        {
            string text = File.ReadAllText(Path.Combine(RepositoryFiles.Root, file));
            problems.AddRange(MachinePaths.Find(text).Select(f => $"{file}:{f.Line}: {f.Path}"));
        }

        Assert.True(problems.Count == 0,
            "Committed Markdown shows machine paths (use a relative path, ~/.cache/hyperd, ~/.local/share/hyperd, "
            + $"or an example directory {MachinePaths.TmpExamplePrefix}NAME):\n" + string.Join('\n', problems));
    }

    [Fact]
    public void EveryRelativeLinkPointsAtAFileThatExists()
    {
        var problems = new List<string>();
        foreach (string file in RepositoryFiles.Markdown())
        {
            string text = File.ReadAllText(Path.Combine(RepositoryFiles.Root, file));
            foreach (MarkdownLinks.Link link in MarkdownLinks.Relative(text))
            {
                string target = MarkdownLinks.Resolve(RepositoryFiles.Root, file, link.Target);
                if (!File.Exists(target) && !Directory.Exists(target))
                {
                    problems.Add($"{file}:{link.Line}: {link.Target}");
                }
            }
        }

        Assert.True(problems.Count == 0, "Relative links to files that do not exist:\n" + string.Join('\n', problems));
    }

    [Theory]
    [InlineData("built in /home/alice/src/hyperd/index", "/home/alice/src/hyperd/index")]
    [InlineData("cache: /root/.cache/hyperd/glove-100d.fvecs", "/root/.cache/hyperd/glove-100d.fvecs")]
    [InlineData("(/work/wt-azgrains/src/Silo/Silo.csproj)", "/work/wt-azgrains/src/Silo/Silo.csproj")]
    [InlineData("XDG_CACHE_HOME=/tmp/fresh-cache", "/tmp/fresh-cache")]
    [InlineData("`/tmp/hyperd-` alone", "/tmp/hyperd-")]
    [InlineData(@"at C:\Users\bob\hyperd", @"C:\Users\bob\hyperd")]
    [InlineData("a copy in ~/projects/x", "~/projects/x")]
    [InlineData("see file:///etc/hosts", "file:///etc/hosts")]
    [InlineData("mac: /Users/carol/data.fvecs", "/Users/carol/data.fvecs")]
    public void MachinePathsAreFlagged(string line, string path)
    {
        MachinePaths.Finding finding = Assert.Single(MachinePaths.Find("first line\n" + line));
        Assert.Equal(2, finding.Line);
        Assert.Equal(path, finding.Path);
    }

    [Theory]
    [InlineData("--index /tmp/hyperd-demo")]
    [InlineData("`/tmp/hyperd-1m/cluster`")]
    [InlineData("cached in `~/.cache/hyperd/bench`")]
    [InlineData("default `~/.local/share/hyperd`")]
    [InlineData("used from `/usr/bin/python3`")]
    [InlineData("open https://github.com/home/work/tmp and http://127.0.0.1:5080/")]
    [InlineData("infra/.run/work-N and src/Silo and .run/tmp/x")]
    [InlineData("a ~ b, ~1.2x")]
    public void PortablePathsPass(string line) => Assert.Empty(MachinePaths.Find(line));

    [Fact]
    public void RelativeLinksAreFoundOutsideCode()
    {
        const string Text = """
            See [the docs](docs/architecture.md#generations), ![chart](bench/chart.png "title") and [site](https://example.com).
            [same file](#heading) and `[not](a-link.md)`
            ```
            [in code](nowhere.md)
            ```
            [ref]: docs/file-format.md
            """;
        IReadOnlyList<MarkdownLinks.Link> links = MarkdownLinks.Relative(Text);
        Assert.Equal(["docs/architecture.md", "bench/chart.png", "docs/file-format.md"], links.Select(l => l.Target));
        Assert.Equal([1, 1, 6], links.Select(l => l.Line));
    }
}
