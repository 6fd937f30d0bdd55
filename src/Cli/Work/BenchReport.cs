using HyperdOrleans.Cli.Commands;
using HyperdOrleans.Cli.Console;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary>The bench's result table: each figure beside how it was measured, so numbers are not compared across unlike methods.</summary>
internal static class BenchReport
{
    public static void Print(CliContext context, BenchOutcome o)
    {
        var table = new Table().Title($"hyperd bench: {o.Input.Count:N0} x {o.Input.Dimensions}, {o.Queries.Count:N0} queries")
            .AddColumns("measure", "value", "how");
        table.AddRow($"recall@{o.K}", $"{o.Recall:F4}", "index answers vs exact top k (ties count)");
        table.AddRow("index", $"{o.Index.QueriesPerSecond:N0} q/s", $"all queries in one batch, {o.Index.Threads} threads, median of {o.Index.Runs} runs; lsh-probes {o.Probes.LshProbes}, nprobe {o.Probes.NProbe}, {CliOptions.BudgetName(o.Probes.Budget)}");
        table.AddRow("scanned/query", $"{o.Scanned.BytesPerQuery / 1024:N0} KiB", $"{o.Scanned.RowsPerQuery:N0} rows of {(o.Scanned.RerankRows > 0 ? "8-bit codes" : "float32")} per query{(o.Scanned.RerankRows > 0 ? $", plus {(double)o.Scanned.RerankRows / o.Scanned.Queries:N0} float32 rows re-ranked (rerank {o.Probes.Rerank})" : string.Empty)}");
        table.AddRow("index size", Formats.Bytes(o.IndexBytes), o.Scanned.RerankRows > 0 ? "centroids, float32 lists and sq8 codes on disk" : "centroids and float32 lists on disk");
        table.AddRow("exact", $"{o.Exact.QueriesPerSecond:N1} q/s", $"brute force streaming the file, same batch, {o.Exact.Threads} threads, one run");
        table.AddRow("speed-up", $"{o.Index.QueriesPerSecond / o.Exact.QueriesPerSecond:N1}x", "index q/s / exact q/s");
        if (o.Latency is { } latency)
        {
            table.AddRow("latency p50", Formats.Milliseconds(latency.P50Seconds), $"one query at a time, one thread, {latency.Queries:N0} queries");
            table.AddRow("latency p99", Formats.Milliseconds(latency.P99Seconds), "same");
        }

        table.AddRow("course score", $"{o.CourseScore:N1}", $"mean per query, 0 best: minus rank positions beyond 3k");
        table.AddRow("build", $"{o.BuildSeconds:F1} s", o.Build is null ? "existing index (time from its manifest)" : "this run");
        if (o.Build is { } build)
        {
            table.AddRow("build peak RssAnon", Formats.Bytes(build.PeakRssAnon), "own heap and buffers, sampled every 50 ms");
            table.AddRow("build peak VmHWM", Formats.Bytes(build.PeakVmHwm), build.PeakCoversBuildOnly ? "peak resident set incl. mapped files, build only" : "peak resident set incl. mapped files, whole process");
        }

        context.Ui.Write(table);
    }
}
