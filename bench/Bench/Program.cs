using HyperdOrleans.Bench;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

if (args.Length > 0 && args[0] == "filtered")
{
    // Filtered search on GloVe: its own options and report (bench/README.md).
    try
    {
        string report = HyperdOrleans.Bench.Filtered.FilteredBench.Run(HyperdOrleans.Bench.Filtered.FilteredOptions.Parse(args[1..]), Console.Out);
        Console.WriteLine($"report: {report}");
        return 0;
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        Console.Error.WriteLine(HyperdOrleans.Bench.Filtered.FilteredOptions.Usage);
        return 1;
    }
}

int rerender = Array.IndexOf(args, "--report-from");
if (rerender >= 0 && rerender + 1 < args.Length)
{
    // Re-renders report.md and the charts beside an existing results.json, measuring nothing.
    string results = args[rerender + 1];
    HyperdOrleans.Bench.Report.ReportWriter.Write(
        HyperdOrleans.Bench.Report.ReportWriter.Read(results),
        Path.GetDirectoryName(Path.GetFullPath(results))!);
    Console.WriteLine($"report: {Path.Combine(Path.GetDirectoryName(results)!, "report.md")}");
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 1;
}

string folder = BenchRunner.Run(options, Console.Out);
if (!options.PrepareOnly)
{
    Console.WriteLine($"report: {Path.Combine(folder, "report.md")}");
}

return 0;
