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

    internal static long[] SectionLengths(int dimensions, int clusters, long count) =>
        [(clusters + 1L) * sizeof(long), count * dimensions * sizeof(float), count * sizeof(long)];
}
