using System.CommandLine;
using HyperdOrleans.WriteBench;

// Append latency against pending rows: `dotnet run --project bench/WriteBench -c Release -- --pending 50000`.
Option<int> rows = new("--rows") { Description = "Rows of the index built first.", DefaultValueFactory = _ => 20_000 };
Option<int> dims = new("--dims") { Description = "Dimensions.", DefaultValueFactory = _ => 64 };
Option<int> batch = new("--batch") { Description = "Rows per append call.", DefaultValueFactory = _ => 100 };
Option<int> pending = new("--pending") { Description = "Rows appended in all (the pending rows at the end).", DefaultValueFactory = _ => 50_000 };
Option<int> bands = new("--bands") { Description = "Rows of the latency table.", DefaultValueFactory = _ => 10 };
Option<string?> folder = new("--folder") { Description = "Keep the silo's files here (default: a temp folder, deleted)." };
var root = new RootCommand("HyperdOrleans write benchmark: append latency as pending rows grow.") { rows, dims, batch, pending, bands, folder };
root.SetAction(parse =>
{
    var settings = new WriteSettings(
        parse.GetValue(rows),
        parse.GetValue(dims),
        parse.GetValue(batch),
        parse.GetValue(pending),
        parse.GetValue(bands),
        parse.GetValue(folder));
    if (settings.BaseRows < 1000 || settings.Dimensions < 2 || settings.Batch < 1 || settings.PendingRows < settings.Batch || settings.Bands < 1)
    {
        Console.Error.WriteLine("error: --rows ≥ 1000, --dims ≥ 2, --batch ≥ 1, --pending ≥ --batch and --bands ≥ 1.");
        return 1;
    }

    return AppendRun.RunAsync(settings, Console.Out).GetAwaiter().GetResult();
});
return root.Parse(args).Invoke();
