using System.CommandLine;
using System.Diagnostics;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Work;
using HyperdOrleans.Evaluation.Data;
using Spectre.Console;

namespace HyperdOrleans.Cli.Commands;

/// <summary><c>hyperd generate</c>: a seeded synthetic base set and, optionally, queries drawn around the same centres.</summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> kind = CliOptions.Kind(
            "--kind",
            "uniform: every component uniform in [0,1) (the course workload, hard for any ANN index); clustered: a Gaussian mixture, like real "
                + "embeddings.",
            required: true);
        Option<long> n = CliOptions.Count("--n", "Base vectors to write.");
        Option<int> dims = CliOptions.Dimensions();
        Option<int> seed = CliOptions.Seed();
        Option<string> output = CliOptions.Path(
            "--out",
            "Base file to write; the extension picks the format: .fvecs, .npy, anything else raw float32.");
        Option<long> queries = CliOptions.Count(
            "--queries",
            "Query vectors to write as well (from the generator's query stream: same clustered centres, different rows).",
            required: false);
        Option<string> queriesOutput = CliOptions.Path("--queries-out", "Query file to write (required with --queries).", required: false);

        var command = new Command("generate", "Write a synthetic data set (and queries) to a vector file.")
        {
            kind, n, dims, seed, output, queries, queriesOutput,
        };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(queries) is null) != (result.GetResult(queriesOutput) is null))
            {
                result.AddError("--queries and --queries-out go together: give both or neither.");
            }
        });

        command.SetGuardedAction(context, (parsed, cancellationToken) =>
        {
            SyntheticKind dataKind = CliOptions.ParseKind(parsed.GetValue(kind)!);
            int d = parsed.GetValue(dims);
            int s = parsed.GetValue(seed);
            List<SyntheticRequest> requests = [new(dataKind, d, s, SyntheticData.Stream.Base, parsed.GetValue(n), parsed.GetValue(output)!, "base")];
            if (parsed.GetValue(queriesOutput) is string queriesPath)
            {
                requests.Add(new(dataKind, d, s, SyntheticData.Stream.Queries, parsed.GetValue(queries), queriesPath, "query"));
            }

            var clock = Stopwatch.StartNew();
            SyntheticFiles.Write(context, requests, cancellationToken);
            foreach (SyntheticRequest request in requests)
            {
                context.Ui.WriteLine($"wrote {request.Count:N0} {request.Label} vectors ({dataKind.ToString().ToLowerInvariant()}, {d} dims, seed "
                    + $"{s}) to {request.Path}");
            }

            context.Ui.WriteLine($"in {clock.Elapsed.TotalSeconds:F1} s");
            return ExitCodes.Success;
        });
        return command;
    }
}
