using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// A bucket's cluster-major vectors on disk (FAISS's <c>OnDiskInvertedLists</c>, one file): magic <c>HDIL</c>,
/// sections <c>OFFS</c> (k + 1 int64 row offsets), <c>VECS</c> (n × d float32, each cluster's rows contiguous)
/// and <c>IDS </c> (n int64, in the same order).
/// </summary>
public static class InvertedListsFile
{
    public const string Magic = "HDIL";
    public const int MaxClusters = 1 << 20;
    internal static readonly string[] Tags = ["OFFS", "VECS", "IDS "];

    /// <summary>Each cluster's first row from the clusters' sizes, and the row count last: the k + 1 entries of <c>OFFS</c>.</summary>
    internal static long[] ClusterStarts(ReadOnlySpan<long> clusterSizes)
    {
        var starts = new long[clusterSizes.Length + 1];
        for (int c = 0; c < clusterSizes.Length; c++)
        {
            starts[c + 1] = starts[c] + clusterSizes[c];
        }

        return starts;
    }

    internal static long[] SectionLengths(int dimensions, int clusters, long count) =>
        [(clusters + 1L) * sizeof(long), count * dimensions * sizeof(float), count * sizeof(long)];
}
