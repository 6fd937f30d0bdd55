using System.Buffers.Binary;
using System.Diagnostics;
using HyperdOrleans.Engine;

using HyperdOrleans.Evaluation.Exact;

namespace HyperdOrleans.Bench.Data;

/// <summary>
/// Exact top-k per query, computed once with <see cref="BatchedExactSearch"/> and cached beside the data set.
/// The file name carries the query count and k; its header also records the base's row count and file length,
/// so a regenerated base invalidates it. Layout: "HGT1", queries, k, base rows, base bytes, then per query k
/// (id int64, score float32) pairs.
/// </summary>
public static class GroundTruthCache
{
    private const uint Magic = 0x31544748; // "HGT1"

    public static Neighbor[][] Load(string folder, UnitBase unitBase, string basePath, float[] unitQueries, int k, int threads, TextWriter log)
    {
        int n = unitQueries.Length / unitBase.Dimensions;
        string path = Path.Combine(folder, $"groundtruth-q{n}-k{k}.bin");
        long baseBytes = new FileInfo(basePath).Length;
        if (TryRead(path, n, k, unitBase.Count, baseBytes) is Neighbor[][] cached)
        {
            log.WriteLine($"  ground truth: cached {Path.GetFileName(path)}");
            return cached;
        }

        log.WriteLine($"  ground truth: exact top-{k} of {n} queries over {unitBase.Count:N0} rows ({threads} threads)...");
        var clock = Stopwatch.StartNew();
        Neighbor[][] truth = BatchedExactSearch.Search(unitBase, unitQueries, k, threads);
        log.WriteLine($"  ground truth: {clock.Elapsed.TotalSeconds:F1} s ({n / clock.Elapsed.TotalSeconds:F0} q/s)");
        Write(path, truth, k, unitBase.Count, baseBytes);
        return truth;
    }

    private static void Write(string path, Neighbor[][] truth, int k, long rows, long baseBytes)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        using (var writer = new BinaryWriter(stream))
        {
            writer.Write(Magic);
            writer.Write(truth.Length);
            writer.Write(k);
            writer.Write(rows);
            writer.Write(baseBytes);
            foreach (Neighbor[] row in truth)
            {
                if (row.Length != k)
                {
                    throw new InvalidOperationException($"exact search returned {row.Length} neighbours, expected {k}.");
                }

                foreach (Neighbor hit in row)
                {
                    writer.Write(hit.Id);
                    writer.Write(hit.Score);
                }
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    private static Neighbor[][]? TryRead(string path, int n, int k, long rows, long baseBytes)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        byte[] bytes = File.ReadAllBytes(path);
        const int Header = 4 + 4 + 4 + 8 + 8;
        if (bytes.Length != Header + ((long)n * k * 12)
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)) != n
            || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)) != k
            || BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12)) != rows
            || BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(20)) != baseBytes)
        {
            return null;
        }

        var truth = new Neighbor[n][];
        int at = Header;
        for (int q = 0; q < n; q++)
        {
            var row = new Neighbor[k];
            for (int i = 0; i < k; i++, at += 12)
            {
                row[i] = new Neighbor(
                    BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at)),
                    BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at + 8)));
            }

            truth[q] = row;
        }

        return truth;
    }
}
