using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Build;

/// <summary>
/// A rebuild's source: the rows of an existing generation (read back from its cluster files, minus the ids
/// in <c>excluded</c>) followed by extra rows from spill files (appended vectors, already unit length). Lets a
/// rebuild fold appends and deletes into a new generation without the original input. The count is exact:
/// the constructor makes one pass over the ids (8 bytes a row, not the vectors). When the generation has data fields,
/// they come along: read back from its fields files, and from each spill file's <see cref="FieldSpill"/>. Not
/// thread-safe per reader.
/// </summary>
public sealed class GenerationSource : IRecordSource
{
    private readonly string _indexDirectory;
    private readonly IndexManifest _manifest;
    private readonly IReadOnlySet<long> _excluded;
    private readonly IReadOnlyList<string> _spillFiles;

    /// <param name="manifest">The generation to read back, or null for none (spills only).</param>
    public GenerationSource(
        string indexDirectory,
        IndexManifest? manifest,
        int dimensions,
        IReadOnlySet<long> excluded,
        IReadOnlyList<string> spillFiles)
    {
        _indexDirectory = indexDirectory;
        _manifest = manifest ?? EmptyManifest(dimensions);
        _excluded = excluded;
        _spillFiles = spillFiles;
        Dimensions = dimensions;
        if (manifest is not null && manifest.Dimensions != dimensions)
        {
            throw new ArgumentException(
                $"generation {manifest.Generation} has {manifest.Dimensions} dimensions, not {dimensions}.",
                nameof(manifest));
        }

        Count = CountRows();
    }

    public string Name => $"generation {_manifest.Generation} of '{_indexDirectory}' with {_spillFiles.Count} pending files";

    public int Dimensions { get; }

    public FieldSchema? Schema => _manifest.Schema;

    public long Count { get; }

    public IVectorSourceReader OpenReader() => new Reader(this);

    /// <summary>Every non-empty bucket's files to read, shard by shard when it is split.</summary>
    private static (BucketManifest Entry, int Shard)[] Parts(IndexManifest manifest) =>
        [.. manifest.Buckets.Where(b => b.Count > 0).SelectMany(b => Enumerable.Range(0, b.ShardCount).Select(s => (b, s)))];

    private long CountRows()
    {
        long count = 0;
        foreach ((BucketManifest entry, int shard) in Parts(_manifest))
        {
            using BucketIndex bucket = BucketIndex.Open(_indexDirectory, entry, Dimensions, verify: false, shard: shard);
            InvertedLists lists = bucket.Lists;
            for (int c = 0; c < lists.Clusters; c++)
            {
                foreach (long id in lists.Ids(c))
                {
                    if (!_excluded.Contains(id))
                    {
                        count++;
                    }
                }
            }
        }

        return count + _spillFiles.Sum(f => SpillFile.CountRows(f, Dimensions));
    }

    private static IndexManifest EmptyManifest(int dimensions) => new()
    {
        Dimensions = dimensions,
        Count = 0,
        Generation = 1,
        Lsh = new LshManifest([], []),
        Buckets = [],
        Build = new BuildManifest("none", 0, 0, 0, 0, 0, DateTimeOffset.UnixEpoch, 0),
    };

    /// <summary>Walks bucket by bucket (shard by shard), cluster by cluster, row by row, then the spill files.</summary>
    private sealed class Reader(GenerationSource source) : IRecordSourceReader
    {
        private readonly (BucketManifest Entry, int Shard)[] _entries = Parts(source._manifest);
        private int _entry;
        private BucketIndex? _bucket;
        private int _cluster;
        private int _row;
        private int _spill;
        private SpillFile.Reader? _spillReader;
        private FieldSpill.Reader? _fieldReader;

        public int Read(Span<float> rows, Span<long> ids) => Read(rows, ids, fields: null);

        public int Read(Span<float> rows, Span<long> ids, object?[]?[]? fields)
        {
            int d = source.Dimensions;
            int capacity = Math.Min(ids.Length, rows.Length / d);
            capacity = fields is null ? capacity : Math.Min(capacity, fields.Length);
            int count = 0;
            while (count < capacity && _entry < _entries.Length)
            {
                _bucket ??= BucketIndex.Open(source._indexDirectory, _entries[_entry].Entry, d, verify: true, source.Schema, _entries[_entry].Shard);
                InvertedLists lists = _bucket.Lists;
                if (_cluster >= lists.Clusters)
                {
                    _bucket.Dispose();
                    _bucket = null;
                    _entry++;
                    _cluster = 0;
                    continue;
                }

                ReadOnlySpan<long> clusterIds = lists.Ids(_cluster);
                ReadOnlySpan<float> vectors = lists.Vectors(_cluster);
                for (; _row < clusterIds.Length && count < capacity; _row++)
                {
                    if (!source._excluded.Contains(clusterIds[_row]))
                    {
                        ids[count] = clusterIds[_row];
                        vectors.Slice(_row * d, d).CopyTo(rows.Slice(count * d, d));
                        if (fields is not null)
                        {
                            fields[count] = _bucket.Fields!.ReadRow(lists.FirstRow(_cluster) + _row);
                        }

                        count++;
                    }
                }

                if (_row >= clusterIds.Length)
                {
                    _cluster++;
                    _row = 0;
                }
            }

            while (count < capacity && _spill < source._spillFiles.Count)
            {
                string spill = source._spillFiles[_spill];
                _spillReader ??= new SpillFile.Reader(spill, d);
                int read = _spillReader.Read(rows[(count * d)..(capacity * d)], ids[count..capacity]);
                if (fields is not null && read > 0)
                {
                    // Appended rows of an index with fields bring theirs beside the spill file.
                    _fieldReader ??= new FieldSpill.Reader(FieldSpill.PathFor(spill), source.Schema!);
                    var values = new object?[read][];
                    _fieldReader.Read(values, read);
                    values.CopyTo(fields, count);
                }

                if (read == 0)
                {
                    _spillReader.Dispose();
                    _spillReader = null;
                    _fieldReader?.Dispose();
                    _fieldReader = null;
                    _spill++;
                }

                count += read;
            }

            return count;
        }

        public void Dispose()
        {
            _bucket?.Dispose();
            _spillReader?.Dispose();
            _fieldReader?.Dispose();
        }
    }
}
