using HyperdOrleans.Cli.Console;
using HyperdOrleans.Evaluation.Data;

namespace HyperdOrleans.Cli.Work;

/// <summary>One synthetic file to write: which generator stream, how many rows, where.</summary>
internal sealed record SyntheticRequest(
    SyntheticKind Kind,
    int Dimensions,
    int Seed,
    SyntheticData.Stream Stream,
    long Count,
    string Path,
    string Label);

/// <summary>
/// Writes synthetic data sets with progress. Each file is written under a temporary name and renamed when
/// complete, so an interrupted run never leaves a short file that a later run would take for a whole one.
/// </summary>
internal static class SyntheticFiles
{
    public static void Write(CliContext context, IReadOnlyList<SyntheticRequest> requests, CancellationToken cancellationToken) =>
        ProgressDisplay.Run(context, state =>
        {
            foreach (SyntheticRequest request in requests)
            {
                WriteOne(request, state, cancellationToken);
            }

            return true;
        });

    private static void WriteOne(SyntheticRequest request, ProgressState state, CancellationToken cancellationToken)
    {
        string full = Path.GetFullPath(request.Path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);

        // The extension stays last: the writer picks the format (.fvecs, .npy, raw) from it.
        string temporary = Path.Combine(
            folder,
            $".{Path.GetFileNameWithoutExtension(full)}.{Environment.ProcessId}.partial{Path.GetExtension(full)}");
        try
        {
            state.Set(request.Label, request.Label, 0, request.Count);
            var generator = new SyntheticData(request.Kind, request.Dimensions, request.Seed, request.Stream);
            generator.WriteFile(temporary, request.Count, new CallbackProgress<long>(done =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                state.Set(request.Label, request.Label, done, request.Count);
            }));
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
