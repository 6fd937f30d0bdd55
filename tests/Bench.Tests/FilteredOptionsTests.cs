using HyperdOrleans.Bench.Filtered;
using HyperdOrleans.Engine.Fields;
using Xunit;

namespace HyperdOrleans.Bench.Tests;

/// <summary>The filtered mode's command line, and the fields it gives each GloVe word.</summary>
public sealed class FilteredOptionsTests
{
    [Fact]
    public void DefaultsAndOverrides()
    {
        FilteredOptions defaults = FilteredOptions.Parse([]);
        FilteredOptions custom = FilteredOptions.Parse(["--queries", "200", "--threads", "1", "--nprobe", "30", "--rebuild"]);

        Assert.Equal((1000, 2, 7, 15), (defaults.Queries, defaults.Threads, defaults.LshProbes, defaults.NProbe));
        Assert.Equal((200, 1, 30, true), (custom.Queries, custom.Threads, custom.NProbe, custom.Rebuild));
        Assert.StartsWith("dotnet run --project bench/Bench -c Release -- filtered", custom.CommandLine, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--nope")]
    [InlineData("--queries", "0")]
    [InlineData("--repeats")]
    public void BadOptionsAreRefusedByName(params string[] args)
    {
        var error = Assert.Throws<ArgumentException>(() => FilteredOptions.Parse(args));

        Assert.Contains(args[0], error.Message);
    }

    [Fact]
    public void EveryWordsFieldsFitTheSchema()
    {
        object?[] values = FilteredBench.Schema.CheckRow(FilteredBench.ValuesOf(Labels(["The", "zebra"], [0, 200_000]), 1), "row 1");

        Assert.Equal(200L, values[0]);
        Assert.Equal("z", values[1]);
        Assert.Equal(["rare", "letter:z"], (string[])values[2]!);
        Assert.Equal("zebra", values[3]);
        Assert.True(FilteredBench.Schema.Fields[2].Type == FieldType.Tags);
    }

    private static GloveLabels Labels(string[] words, int[] ranks) => GloveLabels.Create(ranks, words);
}
