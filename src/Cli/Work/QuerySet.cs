using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Cli.Work;

/// <summary>Query vectors read into memory (query sets are small), checked against the index's dimensions.</summary>
internal sealed record QuerySet(string Path, float[] Rows, int Count, long CountInFile)
{
    /// <param name="limit">Read at most this many rows from the start of the file (null: all).</param>
    public static QuerySet Load(string path, int dimensions, int? limit = null)
    {
        VectorFile file = VectorFile.Open(path, dimensions);
        long wanted = Math.Min(file.Count, limit ?? long.MaxValue);
        if (wanted > int.MaxValue / dimensions)
        {
            throw new CliException($"'{path}' holds {file.Count:N0} queries, more than fit in memory at once; pass fewer (--query-count).");
        }

        int count = (int)wanted;
        return new QuerySet(path, file.ReadRows(0, count), count, file.Count);
    }
}
