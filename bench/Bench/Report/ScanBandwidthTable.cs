using System.Globalization;
using System.Text;

namespace HyperdOrleans.Bench.Report;

/// <summary>
/// How close the engine's scan runs to the machine's memory bandwidth: list bytes one query reads divided by that
/// query's CPU time on one thread, against the single-thread exact scan of the same run. Conservative: the time also
/// holds hashing, centroid ranking and heap work, which read no list bytes. Beside it, the batched rate: the same
/// bytes per query times the batch's queries per CPU-second.
/// </summary>
internal static class ScanBandwidthTable
{
    public static void Append(StringBuilder md, DatasetResult data)
    {
        List<SearchPoint> engine = [.. data.Points.Where(p => p.Method.StartsWith(MethodNames.Engine, StringComparison.Ordinal)
            && p.BytesPerQuery > 0 && p.CpuP50Ms > 0)];
        if (data.ExactScanGBps <= 0 || engine.Count == 0)
        {
            return;
        }

        md.AppendLine("### Scan bandwidth");
        md.AppendLine();
        md.AppendLine($"List bytes a query scans ÷ its median CPU time, one query at a time on one thread, against the single-thread exact scan's "
            + $"{data.ExactScanGBps:F1} GB/s.");
        md.AppendLine("At small probes the time goes to ranking centroids, not to scanning, so the widest setting of each method is the scan's own "
            + "figure.");
        md.AppendLine("The batched columns divide the same bytes by the batch's CPU time per query: a cluster is read once for every query of the "
            + "batch that probes it,");
        md.AppendLine("so this effective rate can pass the memory's bandwidth; it says how much list data the blocked scan gets through per "
            + "CPU-second.");
        md.AppendLine();
        md.AppendLine("| method | setting | recall@10 | KB/query | CPU p50 ms | GB/s | vs exact scan | batched GB/s per CPU | batched vs exact "
            + "scan |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (IGrouping<string, SearchPoint> method in engine.GroupBy(p => p.Method))
        {
            SearchPoint widest = method.MaxBy(p => p.BytesPerQuery)!;
            SearchPoint? target = method.Where(p => p.RecallAt10 >= 0.95).MinBy(p => p.CpuP50Ms);
            foreach (SearchPoint p in target is null || target == widest ? [widest] : new[] { target, widest })
            {
                double gbps = p.BytesPerQuery / (p.CpuP50Ms / 1000) / 1e9;
                double batched = p.BytesPerQuery * p.QueriesPerCpuSecond / 1e9;
                string batchedCells = double.IsNaN(batched) ? "| | |" : $"| {batched:F1} | {batched / data.ExactScanGBps:P0} |";
                md.AppendLine($"| {p.Method} | {p.Setting} | {p.RecallAt10:F4} | "
                    + $"{(p.BytesPerQuery / 1024).ToString("N0", CultureInfo.InvariantCulture)} | {p.CpuP50Ms:F3} | {gbps:F1} | "
                    + $"{gbps / data.ExactScanGBps:P0} {batchedCells}");
            }
        }

        md.AppendLine();
    }
}
