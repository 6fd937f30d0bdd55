namespace HyperdOrleans.Samples.Tests;

/// <summary>
/// samples/SemanticSearch as its README runs it: its own silo, MiniLM embeddings made on this machine, documents stored and
/// searched through the VectorData connector. The filtered answers must all be of the category asked, and a question one
/// document answers must find it first with and without the filter.
/// </summary>
public sealed class SemanticSearchSampleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void TheDefaultQuestionIsAnsweredFromEveryCategory_AndFromTheFilteredCategoryOnly()
    {
        SampleRun run = SampleRun.Of("SemanticSearch", Timeout).Succeeded();
        Assert.Contains("stored 40 articles in 4 categories", run.Output);
        string[] every = run.Hits("-- top 3, every category");
        string[] finance = run.Hits("-- top 3, category = finance");
        Assert.Equal(3, every.Length);
        Assert.Equal(3, finance.Length);
        Assert.All(finance, hit => Assert.Contains("[finance]", hit));
        Assert.True(every.Select(Category).Distinct().Count() > 1, $"unfiltered hits all of one category:\n{run.Output}");
        Assert.Equal(Scores(every), Scores(every).OrderDescending());
    }

    [Fact]
    public void AQuestionOneArticleAnswersFindsItFirst_WithAndWithoutTheFilter()
    {
        SampleRun run = SampleRun.Of(
            "SemanticSearch", Timeout, "--question", "How long should bread dough proof before baking?", "--category", "cooking").Succeeded();
        Assert.Contains("Proof bread dough in a warm", run.Hits("-- top 3, every category")[0]);
        string[] cooking = run.Hits("-- top 3, category = cooking");
        Assert.Contains("Proof bread dough in a warm", cooking[0]);
        Assert.All(cooking, hit => Assert.Contains("[cooking]", hit));
    }

    [Fact]
    public void AnUnknownOptionIsRefusedWithWhatItTakes()
    {
        SampleRun run = SampleRun.Of("SemanticSearch", Timeout, "--colour", "red");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("unknown option --colour; use --question TEXT and --category NAME.", run.Error);
    }

    private static string Category(string hit) => hit[(hit.IndexOf('[') + 1)..hit.IndexOf(']')];

    private static double[] Scores(string[] hits) =>
        [.. hits.Select(h => double.Parse(h.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))];
}
