using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Fields;

/// <summary>
/// Writes a <see cref="FieldsFile"/> by counting placement, beside an <see cref="Ivf.InvertedListsWriter"/> given the same
/// cluster sizes and rows in the same order: fixed-width columns go straight to their final row in a mapped temporary
/// file; each row's variable part (tag codes, row-store bytes) is appended to a temporary file with its place noted at
/// the final row. <see cref="Commit"/> sorts the dictionaries, then walks the final rows once to lay out the file.
/// Memory: the dictionaries of the indexed strings and tags, not the rows. Not thread-safe.
/// </summary>
public sealed class FieldsWriter : IDisposable
{
    private readonly string _path;
    private readonly string _fixedTemp;
    private readonly string _slotsTemp;
    private readonly string _varTemp;
    private readonly FieldSchema _schema;
    private readonly int[] _indexed;
    private readonly int[] _stored;
    private readonly int[] _tagFields;
    private readonly long[] _fixedAt;
    private readonly long[] _clusterStart;
    private readonly long[] _cursor;
    private readonly long _count;
    private readonly Dictionary<string, int>?[] _codes;
    private readonly List<string>?[] _values;
    private readonly long[] _postingTotals; // rows holding a value (strings) or distinct tags (tags), per field
    private readonly ArrayBufferWriter<byte> _row = new();
    private MappedFile? _fixed;
    private MappedFile? _slots;
    private FileStream? _var;
    private long _varBytes;
    private long _rowBytes;

    public FieldsWriter(string path, FieldSchema schema, ReadOnlySpan<long> clusterSizes)
    {
        _path = path;
        _schema = schema.Validate();
        _fixedTemp = AtomicFile.TempPathFor(path + ".columns");
        _slotsTemp = AtomicFile.TempPathFor(path + ".slots");
        _varTemp = AtomicFile.TempPathFor(path + ".rows");
        _clusterStart = InvertedListsFile.ClusterStarts(clusterSizes);
        _count = _clusterStart[^1];
        _cursor = (long[])_clusterStart.Clone();
        _indexed = [.. Enumerable.Range(0, schema.Count).Where(f => schema.Fields[f].Indexed)];
        _stored = [.. Enumerable.Range(0, schema.Count).Where(f => !schema.Fields[f].Indexed)];
        _tagFields = [.. _indexed.Where(f => schema.Fields[f].Type == FieldType.Tags)];
        _fixedAt = new long[schema.Count];
        _codes = new Dictionary<string, int>?[schema.Count];
        _values = new List<string>?[schema.Count];
        _postingTotals = new long[schema.Count];
        long fixedBytes = 0;
        foreach (int f in _indexed)
        {
            _fixedAt[f] = fixedBytes;
            fixedBytes += _count * FieldsFile.Width(schema.Fields[f].Type);
            if (FieldsFile.IsDictionary(schema.Fields[f].Type))
            {
                _codes[f] = new Dictionary<string, int>(StringComparer.Ordinal);
                _values[f] = [];
            }
        }

        try
        {
            _fixed = MappedFile.CreateWrite(_fixedTemp, Math.Max(1, fixedBytes));
            _slots = MappedFile.CreateWrite(_slotsTemp, Math.Max(1, _count * 2 * sizeof(long)));
            _var = new FileStream(_varTemp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Places one row's values (canonical, as <see cref="FieldSchema.CheckRow"/> returns them) in its cluster's next slot.</summary>
    public void Add(int cluster, IReadOnlyList<object?> values)
    {
        MappedFile columns = _fixed ?? throw new ObjectDisposedException(nameof(FieldsWriter));
        long row = _cursor[cluster]++;
        if (row >= _clusterStart[cluster + 1])
        {
            throw new InvalidOperationException($"cluster {cluster} received more field rows than its counted size "
                + $"{_clusterStart[cluster + 1] - _clusterStart[cluster]}.");
        }

        foreach (int f in _indexed)
        {
            object? value = values[f];
            long at = _fixedAt[f];
            switch (_schema.Fields[f].Type)
            {
                case FieldType.Long:
                    columns.Slice<long>(at + (row * sizeof(long)), 1)[0] = value is long l ? l : FieldValues.MissingLong;
                    break;
                case FieldType.DateTime:
                    columns.Slice<long>(at + (row * sizeof(long)), 1)[0] = value is DateTimeOffset t ? t.UtcTicks : FieldValues.MissingLong;
                    break;
                case FieldType.Double:
                    columns.Slice<double>(at + (row * sizeof(double)), 1)[0] = value is double x ? x : double.NaN;
                    break;
                case FieldType.Bool:
                    columns.Slice<byte>(at + row, 1)[0] = value is bool b ? (b ? (byte)1 : (byte)0) : FieldsFile.MissingBool;
                    break;
                case FieldType.String:
                    columns.Slice<int>(at + (row * sizeof(int)), 1)[0] = value is string s ? CodeOf(f, s) : -1;
                    _postingTotals[f] += value is null ? 0 : 1;
                    break;
            }
        }

        // The variable part: each tags field's distinct codes (count, codes), then the row store's bytes.
        _row.ResetWrittenCount();
        foreach (int f in _tagFields)
        {
            string[] tags = values[f] as string[] ?? [];
            Span<int> codes = MemoryMarshal.Cast<byte, int>(_row.GetSpan((tags.Length + 1) * sizeof(int)))[..(tags.Length + 1)];
            int distinct = 0;
            foreach (string tag in tags)
            {
                int code = CodeOf(f, tag);
                if (!codes.Slice(1, distinct).Contains(code))
                {
                    codes[1 + distinct++] = code;
                }
            }

            codes[0] = distinct;
            _row.Advance((distinct + 1) * sizeof(int));
            _postingTotals[f] += distinct;
        }

        int tagBytes = _row.WrittenCount;
        FieldRowCodec.Write(_schema, _stored, values, _row);
        _rowBytes += _row.WrittenCount - tagBytes;
        Span<long> slot = _slots!.Slice<long>(row * 2 * sizeof(long), 2);
        slot[0] = _varBytes;
        slot[1] = _row.WrittenCount;
        _var!.Write(_row.WrittenSpan);
        _varBytes += _row.WrittenCount;
    }

    /// <summary>Checks every cluster is full, lays out the file, writes the header, flushes and renames it into place; returns the
    /// header checksum.</summary>
    public ulong Commit()
    {
        MappedFile columns = _fixed ?? throw new ObjectDisposedException(nameof(FieldsWriter));
        for (int c = 0; c + 1 < _clusterStart.Length; c++)
        {
            if (_cursor[c] != _clusterStart[c + 1])
            {
                throw new InvalidOperationException($"cluster {c} received {_cursor[c] - _clusterStart[c]} field rows of its counted "
                    + $"{_clusterStart[c + 1] - _clusterStart[c]}.");
            }
        }

        // The rows file is mapped for the layout pass: close the writing stream first.
        _var!.Dispose();
        _var = null;
        int[]?[] remap = new int[]?[_schema.Count];
        byte[][]?[] sorted = new byte[][]?[_schema.Count];
        foreach (int f in _indexed.Where(f => _values[f] is not null))
        {
            (sorted[f], remap[f]) = SortDictionary(_values[f]!);
        }

        byte[] schemaBytes = _schema.ToBytes();
        string[] tags = FieldsFile.Tags(_schema);
        long[] lengths = SectionLengths(tags, schemaBytes.Length, sorted);
        (long[] offsets, long length) = SectionedFile.Plan(lengths);
        string temp = AtomicFile.TempPathFor(_path);
        ulong checksum;
        try
        {
            checksum = Lay(temp, length, columns, tags, offsets, lengths, schemaBytes, sorted, remap);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        Dispose();
        AtomicFile.Commit(temp, _path);
        return checksum;
    }

    private ulong Lay(
        string temp,
        long length,
        MappedFile columns,
        string[] tags,
        long[] offsets,
        long[] lengths,
        byte[] schemaBytes,
        byte[][]?[] sorted,
        int[]?[] remap)
    {
        ulong checksum;
        using (MappedFile file = MappedFile.CreateWrite(temp, length))
        using (MappedFile? rows = _varBytes > 0 ? MappedFile.OpenRead(_varTemp) : null)
        {
            var layout = new Layout(file, tags, offsets);
            schemaBytes.CopyTo(file.Slice<byte>(layout.At("SCHM"), schemaBytes.Length));
            _clusterStart.CopyTo(file.Slice<long>(layout.At("OFFS"), _clusterStart.Length));
            foreach (int f in _indexed)
            {
                WriteColumns(layout, columns, rows, f, sorted[f], remap[f]);
            }

            WriteRowStore(layout, rows);
            checksum = SectionedFile.WriteHeader(
                file,
                new SectionedFile.FileHeader(FieldsFile.Magic, SectionedFile.CurrentVersion, _schema.Count, _clusterStart.Length - 1, _count),
                tags,
                offsets,
                lengths);
            file.Flush();
        }

        return checksum;
    }

    private int CodeOf(int field, string value)
    {
        Dictionary<string, int> codes = _codes[field]!;
        if (!codes.TryGetValue(value, out int code))
        {
            code = codes.Count;
            codes.Add(value, code);
            _values[field]!.Add(value);
        }

        return code;
    }

    /// <summary>The dictionary sorted bytewise by UTF-8 (what lookups binary-search), and each first-seen code's sorted code.</summary>
    private static (byte[][] Sorted, int[] Remap) SortDictionary(List<string> values)
    {
        byte[][] bytes = [.. values.Select(Encoding.UTF8.GetBytes)];
        int[] order = [.. Enumerable.Range(0, bytes.Length)];
        Array.Sort(order, (a, b) => bytes[a].AsSpan().SequenceCompareTo(bytes[b]));
        var remap = new int[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            remap[order[i]] = i;
        }

        return ([.. order.Select(i => bytes[i])], remap);
    }

    private long[] SectionLengths(string[] tags, int schemaBytes, byte[][]?[] sorted)
    {
        var lengths = new long[tags.Length];
        for (int i = 0; i < tags.Length; i++)
        {
            string tag = tags[i];
            lengths[i] = tag switch
            {
                "SCHM" => schemaBytes,
                "OFFS" => _clusterStart.Length * sizeof(long),
                "ROWO" => (_count + 1) * sizeof(long),
                "ROWB" => _rowBytes,
                _ => ColumnLength(tag[0], int.Parse(tag.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture), sorted),
            };
        }

        return lengths;
    }

    private long ColumnLength(char kind, int f, byte[][]?[] sorted)
    {
        FieldType type = _schema.Fields[f].Type;
        return kind switch
        {
            'L' => (_count + 1) * sizeof(long),
            'C' => type == FieldType.Tags ? _postingTotals[f] * sizeof(int) : _count * FieldsFile.Width(type),
            'O' or 'Q' => (sorted[f]!.Length + 1L) * sizeof(long),
            'D' => sorted[f]!.Sum(v => (long)v.Length),
            'P' => _postingTotals[f] * sizeof(int),
            _ => throw new InvalidOperationException($"unknown section kind '{kind}'."),
        };
    }

    private void WriteColumns(Layout layout, MappedFile columns, MappedFile? rows, int f, byte[][]? sorted, int[]? remap)
    {
        FieldType type = _schema.Fields[f].Type;
        long n = _count;
        if (type is FieldType.Long or FieldType.DateTime or FieldType.Double or FieldType.Bool)
        {
            long bytes = n * FieldsFile.Width(type);
            for (long done = 0; done < bytes; done += 1 << 30)
            {
                int chunk = (int)Math.Min(1 << 30, bytes - done);
                columns.Slice<byte>(_fixedAt[f] + done, chunk).CopyTo(layout.File.Slice<byte>(layout.At(FieldsFile.Tag('C', f)) + done, chunk));
            }

            return;
        }

        WriteDictionary(layout, f, sorted!);
        var counts = new long[sorted!.Length + 1];
        if (type == FieldType.String)
        {
            Span<int> codes = layout.File.Slice<int>(layout.At(FieldsFile.Tag('C', f)), checked((int)n));
            columns.Slice<int>(_fixedAt[f], (int)n).CopyTo(codes);
            foreach (ref int code in codes)
            {
                code = code < 0 ? -1 : remap![code];
                counts[code + 1] += code < 0 ? 0 : 1;
            }

            FillPostings(layout, f, counts, codes, starts: default);
            return;
        }

        // Tags: the codes of each final row from its variable record, in row order.
        Span<long> starts = layout.File.Slice<long>(layout.At(FieldsFile.Tag('L', f)), checked((int)n + 1));
        Span<int> all = layout.File.Slice<int>(layout.At(FieldsFile.Tag('C', f)), checked((int)_postingTotals[f]));
        int position = 0;
        int skip = Array.IndexOf(_tagFields, f);
        for (long row = 0; row < n; row++)
        {
            starts[(int)row] = position;
            ReadOnlySpan<int> record = TagCodes(rows!, row, skip);
            foreach (int code in record)
            {
                int mapped = remap![code];
                all[position++] = mapped;
                counts[mapped + 1]++;
            }
        }

        starts[(int)n] = position;
        FillPostings(layout, f, counts, all, starts);
    }

    /// <summary>The distinct tag codes of the <paramref name="skip"/>-th tags field in a row's variable record.</summary>
    private ReadOnlySpan<int> TagCodes(MappedFile rows, long row, int skip)
    {
        Span<long> slot = _slots!.Slice<long>(row * 2 * sizeof(long), 2);
        ReadOnlySpan<int> words = MemoryMarshal.Cast<byte, int>(rows.Slice<byte>(slot[0], (int)slot[1]));
        int at = 0;
        for (int i = 0; i < skip; i++)
        {
            at += 1 + words[at];
        }

        return words.Slice(at + 1, words[at]);
    }

    private static void WriteDictionary(Layout layout, int f, byte[][] sorted)
    {
        Span<long> starts = layout.File.Slice<long>(layout.At(FieldsFile.Tag('O', f)), sorted.Length + 1);
        long at = layout.At(FieldsFile.Tag('D', f));
        long position = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            starts[i] = position;
            sorted[i].CopyTo(layout.File.Slice<byte>(at + position, sorted[i].Length));
            position += sorted[i].Length;
        }

        starts[sorted.Length] = position;
    }

    /// <summary>
    /// Posting lists by counting: counts[code + 1] holds each code's rows. Row r's codes are <paramref name="codes"/>[r]
    /// (strings: no <paramref name="starts"/>) or codes[starts[r] .. starts[r + 1]] (tags). Rows are visited in order, so
    /// each list ascends.
    /// </summary>
    private void FillPostings(Layout layout, int f, long[] counts, ReadOnlySpan<int> codes, ReadOnlySpan<long> starts)
    {
        int u = counts.Length - 1;
        for (int code = 0; code < u; code++)
        {
            counts[code + 1] += counts[code];
        }

        counts.AsSpan(0, u + 1).CopyTo(layout.File.Slice<long>(layout.At(FieldsFile.Tag('Q', f)), u + 1));
        Span<int> postings = layout.File.Slice<int>(layout.At(FieldsFile.Tag('P', f)), checked((int)counts[u]));
        for (int row = 0; row < _count; row++)
        {
            ReadOnlySpan<int> rowCodes = starts.IsEmpty ? codes.Slice(row, 1) : codes[(int)starts[row]..(int)starts[row + 1]];
            foreach (int code in rowCodes)
            {
                if (code >= 0)
                {
                    postings[(int)counts[code]++] = row;
                }
            }
        }
    }

    private void WriteRowStore(Layout layout, MappedFile? rows)
    {
        Span<long> starts = layout.File.Slice<long>(layout.At("ROWO"), checked((int)_count + 1));
        long at = layout.At("ROWB");
        long position = 0;
        for (long row = 0; row < _count; row++)
        {
            starts[(int)row] = position;
            Span<long> slot = _slots!.Slice<long>(row * 2 * sizeof(long), 2);
            ReadOnlySpan<byte> record = rows is null ? [] : rows.Slice<byte>(slot[0], (int)slot[1]);
            ReadOnlySpan<byte> stored = record[TagBytes(record)..];
            stored.CopyTo(layout.File.Slice<byte>(at + position, stored.Length));
            position += stored.Length;
        }

        starts[(int)_count] = position;
    }

    /// <summary>Bytes the tags fields take at the start of a variable record.</summary>
    private int TagBytes(ReadOnlySpan<byte> record)
    {
        ReadOnlySpan<int> words = MemoryMarshal.Cast<byte, int>(record);
        int at = 0;
        foreach (int _ in _tagFields)
        {
            at += 1 + words[at];
        }

        return at * sizeof(int);
    }

    public void Dispose()
    {
        _fixed?.Dispose();
        _fixed = null;
        _slots?.Dispose();
        _slots = null;
        _var?.Dispose();
        _var = null;
        foreach (string temp in new[] { _fixedTemp, _slotsTemp, _varTemp })
        {
            File.Delete(temp);
        }
    }

    /// <summary>Where each section of the file being written starts.</summary>
    private sealed class Layout(MappedFile file, string[] tags, long[] offsets)
    {
        public MappedFile File => file;

        public long At(string tag) => offsets[Array.IndexOf(tags, tag)];
    }
}
