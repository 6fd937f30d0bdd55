using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// Writes an <see cref="InvertedListsFile"/> by counting placement: the caller knows every cluster's size up
/// front, so each row goes straight to its final slot in a mapped temporary file; no sort, no second copy in
/// memory. <see cref="Commit"/> checksums, flushes and renames. Not thread-safe.
/// </summary>
public sealed class InvertedListsWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temp;
    private readonly int _dimensions;
    private readonly long[] _cursor;
    private readonly long[] _offsets;
    private readonly long[] _lengths;
    private readonly long[] _clusterStart;
    private readonly long _count;
    private MappedFile? _file;

    public InvertedListsWriter(string path, int dimensions, ReadOnlySpan<long> clusterSizes)
    {
        _path = path;
        _temp = AtomicFile.TempPathFor(path);
        _dimensions = dimensions;
        int k = clusterSizes.Length;
        _clusterStart = InvertedListsFile.ClusterStarts(clusterSizes);

        _count = _clusterStart[k];
        _cursor = (long[])_clusterStart.Clone();
        _lengths = InvertedListsFile.SectionLengths(dimensions, k, _count);
        (_offsets, long length) = SectionedFile.Plan(_lengths);
        _file = MappedFile.CreateWrite(_temp, length);
        _clusterStart.CopyTo(_file.Slice<long>(_offsets[0], k + 1));
    }

    /// <summary>Places one row (already unit length) with its id in its cluster's next slot.</summary>
    public void Add(int cluster, long id, ReadOnlySpan<float> vector)
    {
        MappedFile file = _file ?? throw new ObjectDisposedException(nameof(InvertedListsWriter));
        long row = _cursor[cluster]++;
        if (row >= _clusterStart[cluster + 1])
        {
            throw new InvalidOperationException($"cluster {cluster} received more rows than its counted size "
                + $"{_clusterStart[cluster + 1] - _clusterStart[cluster]}.");
        }

        vector.CopyTo(file.Slice<float>(_offsets[1] + (row * _dimensions * sizeof(float)), _dimensions));
        file.Slice<long>(_offsets[2] + (row * sizeof(long)), 1)[0] = id;
    }

    /// <summary>Checks every cluster is full, writes the header, flushes and renames into place; returns the header checksum.</summary>
    public ulong Commit()
    {
        MappedFile file = _file ?? throw new ObjectDisposedException(nameof(InvertedListsWriter));
        for (int c = 0; c + 1 < _clusterStart.Length; c++)
        {
            if (_cursor[c] != _clusterStart[c + 1])
            {
                throw new InvalidOperationException($"cluster {c} received {_cursor[c] - _clusterStart[c]} rows of its counted "
                    + $"{_clusterStart[c + 1] - _clusterStart[c]}.");
            }
        }

        var header = new SectionedFile.FileHeader(
            InvertedListsFile.Magic,
            SectionedFile.CurrentVersion,
            _dimensions,
            _clusterStart.Length - 1,
            _count);
        ulong checksum = SectionedFile.WriteHeader(file, header, InvertedListsFile.Tags, _offsets, _lengths);
        file.Flush();
        file.Dispose();
        _file = null;
        AtomicFile.Commit(_temp, _path);
        return checksum;
    }

    public void Dispose()
    {
        if (_file is not null)
        {
            _file.Dispose();
            _file = null;
            File.Delete(_temp);
        }
    }
}
