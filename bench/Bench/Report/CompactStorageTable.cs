using System.Globalization;
using System.Text;

namespace HyperdOrleans.Bench.Report;

/// <summary>The report's "compact storage" table: the float32 engine against engine-sq8 at the settings both measured.</summary>
internal static class CompactStorageTable
{
    public static void Append(StringBuilder md, DatasetResult data, Func<SearchPoint, double> speed, string speedLabel)
    {
        var pairs = data.Points.Where(p => p.Method == MethodNames.Engine)
            .Select(f => (
                F32: f,
                Sq8: data.Points.FirstOrDefault(s => s.Method == MethodNames.EngineSq8 && s.LshProbes == f.LshProbes && s.NProbe == f.NProbe)))
            .Where(p => p.Sq8 is not null)
            .ToList();
        if (pairs.Count == 0)
        {
            return;
        }

        long f32Bytes = data.Builds.LastOrDefault(b => b.Method == MethodNames.Engine)?.IndexBytes ?? 0;
        long sq8Bytes = data.Builds.LastOrDefault(b => b.Method == MethodNames.EngineSq8)?.IndexBytes ?? 0;
        md.AppendLine("### Compact storage");
        md.AppendLine();
        md.AppendLine("The engine with float32 lists against engine-sq8 (the same build plus 8-bit codes per bucket: the scan scores codes, the");
        md.AppendLine($"best k × {Engine.SearchParameters.DefaultRerank} per probed bucket are re-scored exactly from the float32 rows). "
            + $"Bytes/query counts the list data each query's");
        md.AppendLine("scan reads (a row probed by a query counts once per query) plus the re-ranked float32 rows.");
        md.AppendLine($"Index on disk: float32 {Mb(f32Bytes)} MB, sq8 {Mb(sq8Bytes)} MB (the float32 lists stay for re-rank and rebuilds).");
        md.AppendLine();
        md.AppendLine($"| setting | recall@10 f32 | recall@10 sq8 | {speedLabel} f32 | {speedLabel} sq8 | KB/query f32 | KB/query sq8 | bytes f32 / "
            + $"sq8 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((SearchPoint f, SearchPoint? s) in pairs)
        {
            md.AppendLine($"| {f.Setting} | {f.RecallAt10:F4} | {s!.RecallAt10:F4} | {speed(f):N0} | {speed(s):N0} | {Kb(f.BytesPerQuery)} | "
                + $"{Kb(s.BytesPerQuery)} | {Ratio(f.BytesPerQuery, s.BytesPerQuery)} |");
        }

        md.AppendLine();
    }

    private static string Mb(long bytes) => bytes > 0 ? (bytes / 1e6).ToString("N0", CultureInfo.InvariantCulture) : "—";

    private static string Kb(double bytes) => double.IsNaN(bytes) ? "" : (bytes / 1024).ToString("N0", CultureInfo.InvariantCulture);

    private static string Ratio(double a, double b)
        => double.IsNaN(a) || double.IsNaN(b) || b <= 0 ? "" : (a / b).ToString("F2", CultureInfo.InvariantCulture) + "x";
}
