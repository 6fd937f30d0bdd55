using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// A bucket's inverted lists, memory-mapped read-only from an <see cref="InvertedListsFile"/>: a cluster's
/// vectors and ids are spans straight over the mapping. Validated once at open, so reads are unchecked.
/// Thread-safe for reads; disposal must follow the last read.
/// </summary>
public sealed unsafe class InvertedLists : IDisposable
{
    private readonly MappedFile _file;
    private readonly long* _offsets;
    private readonly long _vectorsOffset;
    private readonly long _idsOffset;

    private InvertedLists(MappedFile file, int dimensions, int clusters, long count, long offsetsAt, long vectorsAt, long idsAt, ulong checksum)
    {
        _file = file;
        Dimensions = dimensions;
        Clusters = clusters;
        Count = count;
        _offsets = file.Pointer<long>(offsetsAt);
        _vectorsOffset = vectorsAt;
        _idsOffset = idsAt;
        HeaderChecksum = checksum;
    }

    public int Dimensions { get; }

    public int Clusters { get; }

    public long Count { get; }

    public ulong HeaderChecksum { get; }

    public static InvertedLists Open(string path, int dimensions, int expectedClusters, bool verify)
    {
        MappedFile file = CentroidsFile.OpenExisting(path);
        try
        {
            SectionedFile.ReadResult read = SectionedFile.Read(file, InvertedListsFile.Magic, InvertedListsFile.Tags, verify);
            SectionedFile.FileHeader header = read.Header;
            if (header.Dimensions != dimensions)
            {
                throw new IndexFormatException(path, $"holds {header.Dimensions}-dimensional vectors; the index has {dimensions} dimensions.");
            }

            if (header.Clusters != expectedClusters)
            {
                throw new IndexFormatException(path, $"holds {header.Clusters} clusters; its centroid file has {expectedClusters}.");
            }

            if (header.Count < 0)
            {
                throw new IndexFormatException(path, $"vector count {header.Count} is negative.");
            }

            long[] expected = InvertedListsFile.SectionLengths(dimensions, header.Clusters, header.Count);
            for (int i = 0; i < expected.Length; i++)
            {
                if (read.Sections[i].Length != expected[i])
                {
                    throw new IndexFormatException(
                        path,
                        $"section '{read.Sections[i].Tag}' has {read.Sections[i].Length} bytes; {header.Clusters} clusters of {header.Count} "
                            + $"vectors need {expected[i]}.");
                }
            }

            Span<long> offsets = file.Slice<long>(read.Sections[0].Offset, header.Clusters + 1);
            for (int c = 0; c < header.Clusters; c++)
            {
                if (offsets[c] < 0 || offsets[c] > offsets[c + 1])
                {
                    throw new IndexFormatException(path, $"offset table is not increasing at cluster {c} ({offsets[c]} then {offsets[c + 1]}).");
                }
            }

            if (offsets[0] != 0 || offsets[header.Clusters] != header.Count)
            {
                throw new IndexFormatException(
                    path,
                    $"offset table spans rows {offsets[0]} to {offsets[header.Clusters]}; the file holds {header.Count}.");
            }

            return new InvertedLists(
                file,
                dimensions,
                header.Clusters,
                header.Count,
                read.Sections[0].Offset,
                read.Sections[1].Offset,
                read.Sections[2].Offset,
                read.HeaderChecksum);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public int ListSize(int cluster) => (int)(_offsets[cluster + 1] - _offsets[cluster]);

    /// <summary>The cluster's rows, row-major (ListSize × d), over the mapping.</summary>
    public ReadOnlySpan<float> Vectors(int cluster)
    {
        long first = _offsets[cluster];
        return new ReadOnlySpan<float>(_file.Pointer<float>(_vectorsOffset + (first * Dimensions * sizeof(float))), ListSize(cluster) * Dimensions);
    }

    public ReadOnlySpan<long> Ids(int cluster) =>
        new(_file.Pointer<long>(_idsOffset + (_offsets[cluster] * sizeof(long))), ListSize(cluster));

    /// <summary>
    /// Asks the CPU to start loading the first <paramref name="maxBytes"/> of a cluster's rows into L2 while the
    /// current cluster is scanned: consecutive probed clusters are jumps in the file the hardware prefetcher cannot
    /// guess (FAISS's prefetch_lists does the same with madvise/touching).
    /// </summary>
    public void Prefetch(int cluster, int maxBytes) => Prefetch(cluster, maxBytes, CacheLine);

    /// <summary>
    /// Requests one line of every 4 KB page of a cluster's rows: a few dozen requests that do the page walks and
    /// start each page's first line, after which the hardware prefetcher streams the rest. Cheap enough to issue
    /// behind one query's short scan, where a request for every line would queue ahead of the scan's own loads.
    /// </summary>
    public void PrefetchPages(int cluster) => Prefetch(cluster, int.MaxValue, Page);

    private const int CacheLine = 64;
    private const int Page = 4096;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Prefetch(int cluster, int maxBytes, int stride)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        byte* start = (byte*)_file.Pointer<float>(_vectorsOffset + (_offsets[cluster] * Dimensions * sizeof(float)));
        long bytes = Math.Min((long)ListSize(cluster) * Dimensions * sizeof(float), maxBytes);
        for (long offset = 0; offset < bytes; offset += stride)
        {
            Sse.Prefetch1(start + offset);
        }
    }

    /// <summary>The file row of the cluster's first vector: a (cluster, row) position as one number.</summary>
    public long FirstRow(int cluster) => _offsets[cluster];

    /// <summary>One vector by file row (0 ≤ row &lt; Count; unchecked), for an exact re-rank of quantised candidates.</summary>
    public ReadOnlySpan<float> Row(long row) =>
        new(_file.Pointer<float>(_vectorsOffset + (row * Dimensions * sizeof(float))), Dimensions);

    /// <summary>The id of a file row (unchecked).</summary>
    public long Id(long row) => *_file.Pointer<long>(_idsOffset + (row * sizeof(long)));

    public void Dispose() => _file.Dispose();
}
