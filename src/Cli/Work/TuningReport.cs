using System.Text.Json;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine.Tuning;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary>The tuning curve as a table (the chosen row marked) and as JSON.</summary>
internal static class TuningReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Print(CliContext context, TuningResult r)
    {
        var table = new Table()
            .Title($"hyperd tune: recall@{r.K} on {r.SampleSize:N0} {(r.FromIndex ? "held-out rows" : "queries")}, target {r.TargetRecall}")
            .AddColumns("", "lshProbes", "nprobe", $"recall@{r.K}");
        if (r.FromIndex)
        {
            table.AddColumn("margin");
        }

        table.AddColumns("dots/query", "q/s");
        foreach (TuningPoint p in r.Curve)
        {
            string mark = p == r.Chosen ? (r.Reached ? "chosen" : "best") : p.Reaches(r.TargetRecall) ? "+" : "";
            string[] cells = [
                mark,
                $"{p.LshProbes}",
                $"{p.NProbe}",
                $"{p.Recall:F4}",
                .. r.FromIndex ? [$"{p.Margin:F4}"] : Array.Empty<string>(),
                $"{p.DotsPerQuery:N0}",
                $"{p.QueriesPerSecond:N0}"];
            table.AddRow(cells);
        }

        for (int c = 1; c < table.Columns.Count; c++)
        {
            table.Columns[c].RightAligned();
        }

        context.Ui.Write(table);
        context.Ui.WriteLine(r.FromIndex
            ? "+ reaches the target with its margin (recall - margin >= target; margin: 1.645 standard errors of the sample's recall, as rows of "
                + "the index are easier queries than new ones; --queries measures real ones)"
            : "+ reaches the target on the given queries");
        context.Ui.WriteLine($"dots/query: centroids scored plus rows scanned, the cost the choice minimises (q/s: one batched run of the sample, "
            + $"all threads, for reference)");
        context.Ui.WriteLine($"exact answers of the sample in {r.ExactSeconds:F1} s; {r.Curve.Count} settings measured in {r.SweepSeconds:F1} s");
        PrintChoice(context, r);
    }

    /// <summary>The chosen setting in one line (nothing when the target was not reached: the caller says so).</summary>
    public static void PrintChoice(CliContext context, TuningResult r)
    {
        if (r.Reached)
        {
            context.Ui.WriteLine($"chosen: lshProbes={r.Chosen.LshProbes} nprobe={r.Chosen.NProbe}: recall@{r.K} "
                + $"{r.Chosen.Recall:F4}{(r.FromIndex ? $" (margin {r.Chosen.Margin:F4})" : string.Empty)} on {r.SampleSize:N0} "
                + $"{(r.FromIndex ? "held-out rows of the index" : "queries")}, {r.Chosen.DotsPerQuery:N0} dot products per query "
                + $"({r.Chosen.DotsPerQuery / r.IndexCount:P2} of exact search)");
        }
    }

    public static void WriteJson(string path, TuningResult result) =>
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(result, Json));
}
