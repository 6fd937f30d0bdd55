using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// A bucket's 8-bit codes, memory-mapped read-only from a <see cref="QuantizedListsFile"/>, with the quantiser
/// they were encoded with. Opened against the bucket's <see cref="InvertedLists"/>: same dimensions, clusters,
/// count and offset table, or the open fails naming the file. Thread-safe for reads; disposal must follow the last read.
/// </summary>
public sealed unsafe class QuantizedLists : IDisposable
{
    private readonly MappedFile _file;
    private readonly long* _offsets;
    private readonly long _codesOffset;

    private QuantizedLists(MappedFile file, ScalarQuantizer quantizer, long offsetsAt, long codesAt, ulong checksum)
    {
        _file = file;
        Quantizer = quantizer;
        _offsets = file.Pointer<long>(offsetsAt);
        _codesOffset = codesAt;
        HeaderChecksum = checksum;
    }

    public ScalarQuantizer Quantizer { get; }

    public ulong HeaderChecksum { get; }

    public static QuantizedLists Open(string path, InvertedLists lists, bool verify)
    {
        MappedFile file = CentroidsFile.OpenExisting(path);
        try
        {
            SectionedFile.ReadResult read = SectionedFile.Read(file, QuantizedListsFile.Magic, QuantizedListsFile.Tags, verify);
            SectionedFile.FileHeader header = read.Header;
            int d = lists.Dimensions;
            if (header.Dimensions != d || header.Clusters != lists.Clusters || header.Count != lists.Count)
            {
                throw new IndexFormatException(
                    path,
                    $"holds {header.Count} codes of {header.Dimensions} dimensions in {header.Clusters} clusters; its lists file has {lists.Count} "
                        + $"of {d} in {lists.Clusters}.");
            }

            long[] expected = QuantizedListsFile.SectionLengths(d, header.Clusters, header.Count);
            for (int i = 0; i < expected.Length; i++)
            {
                if (read.Sections[i].Length != expected[i])
                {
                    throw new IndexFormatException(
                        path,
                        $"section '{read.Sections[i].Tag}' has {read.Sections[i].Length} bytes; {header.Clusters} clusters of {header.Count} codes "
                            + $"need {expected[i]}.");
                }
            }

            // The scan addresses codes through the lists' rows and re-ranks through them: the tables must agree.
            ReadOnlySpan<long> offsets = file.Slice<long>(read.Sections[2].Offset, header.Clusters + 1);
            for (int c = 0; c <= header.Clusters; c++)
            {
                long expectedRow = c == header.Clusters ? lists.Count : lists.FirstRow(c);
                if (offsets[c] != expectedRow)
                {
                    throw new IndexFormatException(path, $"offset table has row {offsets[c]} for cluster {c}; its lists file has {expectedRow}.");
                }
            }

            float[] min = file.Slice<float>(read.Sections[0].Offset, d).ToArray();
            float[] step = file.Slice<float>(read.Sections[1].Offset, d).ToArray();
            for (int j = 0; j < d; j++)
            {
                if (!float.IsFinite(min[j]) || !float.IsFinite(step[j]) || step[j] <= 0)
                {
                    throw new IndexFormatException(
                        path,
                        $"dimension {j} has min {min[j]} and step {step[j]}; the step must be positive and both finite.");
                }
            }

            return new QuantizedLists(file, new ScalarQuantizer(min, step), read.Sections[2].Offset, read.Sections[3].Offset, read.HeaderChecksum);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The cluster's codes, dimension-major (d × ListSize bytes), over the mapping.</summary>
    public ReadOnlySpan<byte> Codes(int cluster, int dimensions)
    {
        long first = _offsets[cluster];
        return new ReadOnlySpan<byte>(_file.Pointer<byte>(_codesOffset + (first * dimensions)), (int)(_offsets[cluster + 1] - first) * dimensions);
    }

    public void Dispose() => _file.Dispose();
}
