using System.CommandLine;
using HyperdOrleans.Cli.Console;
using HyperdOrleans.Cli.Work;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Cli.Commands;

/// <summary><c>hyperd build</c>: an index directory from a vector file, with progress and a timing and memory summary.</summary>
internal static class BuildCommand
{
    public static Command Create(CliContext context)
    {
        Option<string> input = CliOptions.Path("--input", "Vectors to index: .fvecs, .npy, or raw float32 (with --dims). Ids are row numbers.");
        Option<string> index = CliOptions.Path("--index", "Index directory to build into (created if missing; a new generation replaces the served one atomically).");
        Option<int?> dims = CliOptions.RawDimensions();
        Option<int> clusters = CliOptions.Clusters();
        Option<int> threads = CliOptions.Threads();
        Option<int> seed = CliOptions.Seed();

        var command = new Command("build", "Build an index from a vector file.")
        {
            input, index, dims, clusters, threads, seed,
        };
        command.SetGuardedAction(context, (parsed, cancellationToken) =>
        {
            VectorFile file = VectorFile.Open(Path.GetFullPath(parsed.GetValue(input)!), parsed.GetValue(dims));
            var options = new IndexBuildOptions
            {
                Clusters = parsed.GetValue(clusters),
                Threads = parsed.GetValue(threads),
                Seed = parsed.GetValue(seed),
            };
            IndexBuildRun.Build(context, file, parsed.GetValue(index)!, options, cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }
}
