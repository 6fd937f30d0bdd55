using System.Text;

namespace HyperdOrleans.Bench.Report;

/// <summary>The report's first-second table: what a fresh start answers in its first second against steady state.</summary>
internal static class FirstCallTable
{
    public static void Append(StringBuilder md, DatasetResult data)
    {
        if (data.FirstCalls.Count == 0)
        {
            return;
        }

        md.AppendLine("### First second");
        md.AppendLine();
        md.AppendLine("Queries answered in the first second after a fresh index open (engine) or silo start and build (cluster), one client sending "
            + "batches at the index's default probes, against one more second measured the same way after three seconds of warm-up. A method marked "
            + "\"no\" ran after another method had searched in the same process, so the shared search code was already compiled.");
        md.AppendLine();
        md.AppendLine("| method | first second q/s | steady q/s | ratio | batch | fresh process |");
        md.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (FirstCallResult f in data.FirstCalls)
        {
            md.AppendLine($"| {f.Method} | {f.FirstSecondQueriesPerSecond:N0} | {f.SteadyQueriesPerSecond:N0} | {f.Ratio:P0} | {f.Batch} | "
                + $"{(f.FreshProcess ? "yes" : "no")} |");
        }

        md.AppendLine();
    }
}
