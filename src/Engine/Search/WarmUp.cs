using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Runs the search path once end to end before real queries do: builds a tiny float32 and a tiny SQ8 index in a
/// scratch folder and searches each with both budgets and enough calls for the runtime to promote the hot methods.
/// A host calls it at start-up so the JIT's work (compiling every method of the path, optimised, on its first call)
/// is not paid by the first queries. About a second of one core; the folder is removed afterwards.
/// </summary>
public static class WarmUp
{
    private const int Rows = 4_000;
    private const int Dimensions = 32;
    private const int Queries = 64;

    /// <summary>Calls per index and budget: past the runtime's call-count threshold (30) for promotion.</summary>
    private const int Rounds = 40;

    public static void Run(string scratchDirectory, CancellationToken cancellationToken = default)
    {
        string folder = Path.Combine(scratchDirectory, $"warm-up-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var random = new Random(7);
            var rows = new float[Rows * Dimensions];
            Gaussian.Fill(rows, random);
            string source = Path.Combine(folder, "rows.fvecs");
            using (var writer = new VectorFileWriter(source, Dimensions))
            {
                writer.Write(rows);
            }

            ReadOnlySpan<float> queries = rows.AsSpan(0, Queries * Dimensions);
            foreach (VectorStorage storage in new[] { VectorStorage.Float32, VectorStorage.Sq8 })
            {
                string directory = Path.Combine(folder, storage.ToString());
                var options = new IndexBuildOptions { Clusters = 4, MinPointsPerCluster = 50, Iterations = 2, Threads = 1, Storage = storage };
                IndexBuilder.Build(new VectorFileSource(VectorFile.Open(source)), directory, options, cancellationToken: cancellationToken);
                using VectorIndex index = VectorIndex.Open(directory);
                for (int round = 0; round < Rounds; round++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    index.SearchBatch(queries, 10, new SearchParameters(6, 2, Budget: ProbeBudget.Shared), threads: 1);
                    index.SearchBatch(queries, 10, new SearchParameters(6, 2, Budget: ProbeBudget.PerBucket), threads: 1);
                }
            }
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Scratch space only.
            }
        }
    }
}
