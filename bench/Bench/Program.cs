using HyperdOrleans.Bench;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchOptions.Usage);
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
Console.WriteLine($"report: {Path.Combine(folder, "report.md")}");
return 0;
