using System.Text;
using HyperdOrleans.Bench.Data;
using HyperdOrleans.Engine;

namespace HyperdOrleans.Bench.Filtered;

/// <summary>The filtered mode's report: the table of every filter and method, with ratios to exact filtered search and to post-filtering.</summary>
public sealed class FilteredReport(
    FilteredOptions options,
    Dataset data,
    SearchParameters parameters,
    (double Wall, double Cpu) unfiltered,
    IReadOnlyList<FilteredRow> rows)
{
    public string Table()
    {
        var md = new StringBuilder();
        md.AppendLine("| filter | rows kept | method | recall@10 | queries/s | queries/CPU-s | vs exact | vs post-filter | plan |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---|");
        foreach (FilteredRow row in rows)
        {
            FilteredRow exact = rows.Single(r => r.Filter == row.Filter && r.Method == "exact filtered");
            FilteredRow post = rows.Single(r => r.Filter == row.Filter && r.Method == "post-filter");
            double vsExact = row.QueriesPerCpuSecond / exact.QueriesPerCpuSecond;
            double vsPost = row.QueriesPerCpuSecond / post.QueriesPerCpuSecond;
            md.AppendLine($"| {row.Filter} | {row.Share:P2} | {row.Method} | {row.RecallAt10:F3} | {row.QueriesPerSecond:N0} | "
                + $"{row.QueriesPerCpuSecond:N0} | {vsExact:F2}× | {vsPost:F2}× | {row.Note} |");
        }

        return md.ToString();
    }

    public string Write()
    {
        var md = new StringBuilder();
        md.AppendLine("# Filtered search on GloVe");
        md.AppendLine();
        md.AppendLine($"{data.Description}; {data.QueryCount:N0} held-out queries, k = {FilteredBench.K}, {options.Threads} threads, "
            + $"(lshProbes, nprobe) = ({parameters.LshProbes}, {parameters.NProbe}); medians of {options.Repeats} timed runs after a warm-up.");
        md.AppendLine($"Unfiltered engine at the same setting: {unfiltered.Wall:N0} queries/s, {unfiltered.Cpu:N0} queries/CPU-s. Recall is "
            + "against exact filtered search; ratios compare queries per CPU-second (robust on a shared machine).");
        md.AppendLine();
        md.AppendLine($"Command: `{options.CommandLine.Trim()}`; machine load {MachineInfo.LoadAverage()}.");
        md.AppendLine();
        md.Append(Table());
        Directory.CreateDirectory(options.OutDirectory);
        string path = Path.Combine(options.OutDirectory, "report.md");
        File.WriteAllText(path, md.ToString());
        return path;
    }
}
