using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// A bucket's 8-bit codes beside its <see cref="InvertedListsFile"/>: magic <c>HDSQ</c>, sections <c>SQMN</c>
/// (d float32: each dimension's min), <c>SQST</c> (d float32: its step), <c>OFFS</c> (k + 1 int64 row offsets,
/// equal to the lists file's) and <c>CODE</c> (n × d bytes). Codes are cluster-major in the lists file's order
/// and, inside a cluster of R rows, dimension-major: dimension j's R codes are contiguous, so a scan multiplies
/// whole rows of R by one query weight.
/// </summary>
public static class QuantizedListsFile
{
    public const string Magic = "HDSQ";
    internal static readonly string[] Tags = ["SQMN", "SQST", "OFFS", "CODE"];

    internal static long[] SectionLengths(int dimensions, int clusters, long count) =>
        [(long)dimensions * sizeof(float), (long)dimensions * sizeof(float), (clusters + 1L) * sizeof(long), count * dimensions];
}
