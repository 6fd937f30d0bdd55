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
            .Title($"hyperd tune: recall@{r.K} on {r.SampleSize:N0} held-out rows, target {r.TargetRecall}")
            .AddColumns("", "lshProbes", "nprobe", $"recall@{r.K}", "dots/query", "q/s");
        foreach (TuningPoint p in r.Curve)
        {
            string mark = p == r.Chosen ? (r.Reached ? "chosen" : "best") : p.Recall >= r.TargetRecall ? "+" : "";
            table.AddRow(mark, $"{p.LshProbes}", $"{p.NProbe}", $"{p.Recall:F4}", $"{p.DotsPerQuery:N0}", $"{p.QueriesPerSecond:N0}");
        }

        for (int c = 1; c < 6; c++)
        {
            table.Columns[c].RightAligned();
        }

        context.Ui.Write(table);
        context.Ui.WriteLine($"+ reaches the target; dots/query: centroids scored plus rows scanned, the cost the choice minimises (q/s: one batched run of the sample, all threads, for reference)");
        context.Ui.WriteLine($"exact answers of the sample in {r.ExactSeconds:F1} s; {r.Curve.Count} settings measured in {r.SweepSeconds:F1} s");
        if (r.Reached)
        {
            context.Ui.WriteLine($"chosen: lshProbes={r.Chosen.LshProbes} nprobe={r.Chosen.NProbe}: recall@{r.K} {r.Chosen.Recall:F4}, {r.Chosen.DotsPerQuery:N0} dot products per query ({r.Chosen.DotsPerQuery / r.IndexCount:P2} of exact search)");
        }
    }

    public static void WriteJson(string path, TuningResult result) =>
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(result, Json));
}
