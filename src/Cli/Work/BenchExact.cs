using HyperdOrleans.Cli.Console;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Evaluation.Exact;
using Spectre.Console;

namespace HyperdOrleans.Cli.Work;

/// <summary>
/// The bench's exact pass: the benchmark report's baseline (<see cref="ExactBaseline"/>, batched over a unit copy of
/// the base) on the same queries and threads. Its answers are the ground truth recall is measured against.
/// </summary>
internal static class BenchExact
{
    public static ExactRun Run(CliContext context, VectorFile input, float[] queries, int k, int threads, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        context.Ui.WriteLine($"exact: batched search of {queries.Length / input.Dimensions:N0} queries over {input.Count:N0} rows (a normalised "
            + $"copy of the base in {Path.GetTempPath()} while it runs)");

        // The copy is temporary: a bench keeps the index, not a second copy of the data.
        using UnitBase unit = UnitBase.WriteTemporary(input, Path.GetTempPath());
        cancellationToken.ThrowIfCancellationRequested();
        return ExactBaseline.Run(unit, ExactBaseline.UnitQueries(queries, input.Dimensions), k, threads);
    }
}
