using HyperdOrleans.Cli.Commands;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Evaluation.Exact;
using HyperdOrleans.Evaluation.Measure;
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
        table.AddRow(
            "index",
            $"{o.Index.QueriesPerSecond:N0} q/s",
            $"all queries in one batch, {o.Index.Threads} threads, median of {o.Index.Runs} runs; lsh-probes {o.Probes.LshProbes}, nprobe "
                + $"{o.Probes.NProbe}, {CliOptions.BudgetName(o.Probes.Budget)}");
        bool codes = o.Scanned.RerankRows > 0;
        string reranked = codes
            ? $", plus {(double)o.Scanned.RerankRows / o.Scanned.Queries:N0} float32 rows re-ranked (rerank {o.Probes.Rerank})"
            : string.Empty;
        table.AddRow(
            "scanned/query",
            $"{o.Scanned.BytesPerQuery / 1024:N0} KiB",
            $"{o.Scanned.RowsPerQuery:N0} rows of {(codes ? "8-bit codes" : "float32")} per query{reranked}");
        table.AddRow(
            "index size",
            Formats.Bytes(o.IndexBytes),
            o.Scanned.RerankRows > 0 ? "centroids, float32 lists and sq8 codes on disk" : "centroids and float32 lists on disk");
        table.AddRow("first second", $"{o.FirstCall.FirstSecondQueriesPerSecond:N0} q/s", FirstCallText(o.FirstCall, "the freshly opened index"));
        table.AddRow("exact", $"{o.Exact.QueriesPerSecond:N0} q/s", ExactText(o.Exact));
        table.AddRow("speed-up", $"{o.Index.QueriesPerSecond / o.Exact.QueriesPerSecond:N1}x", "index q/s / exact q/s");
        if (o.Latency is { } latency)
        {
            table.AddRow("latency p50", Formats.Milliseconds(latency.P50), $"one query at a time, one thread, {latency.Count:N0} queries");
            table.AddRow("latency p99", Formats.Milliseconds(latency.P99), "same");
        }

        table.AddRow("build", $"{o.BuildSeconds:F1} s", o.Build is null ? "existing index (time from its manifest)" : "this run");
        if (o.Build is { } build)
        {
            table.AddRow("build peak RssAnon", Formats.Bytes(build.PeakRssAnon), "own heap and buffers, sampled every 50 ms");
            table.AddRow(
                "build peak VmHWM",
                Formats.Bytes(build.PeakVmHwm),
                build.PeakCoversBuildOnly ? "peak resident set incl. mapped files, build only"
                    : "peak resident set incl. mapped files, whole process");
        }

        context.Ui.Write(table);
    }

    /// <summary>The exact baseline's "how": the same words in the engine and the cluster tables.</summary>
    public static string ExactText(ExactRun exact) =>
        $"batched exact search (the benchmark report's baseline), same queries, {exact.Threads} threads, one run after a warm-up";

    public static string FirstCallText(FirstCallSpeed speed, string what) =>
        $"{what}, one client, batches of {speed.Batch}: {speed.Ratio:P0} of its steady {speed.SteadyQueriesPerSecond:N0} q/s measured the same way";
}
