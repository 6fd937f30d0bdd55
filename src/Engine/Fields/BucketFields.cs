using System.Text;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Fields;

/// <summary>
/// A bucket's data fields, memory-mapped read-only from a <see cref="FieldsFile"/>: the indexed fields' columns,
/// dictionaries and posting lists are spans over the mapping, so a filter's predicate loops over them without copying.
/// Opened against the bucket's <see cref="InvertedLists"/> (same clusters, rows and offset table) and the index's
/// schema; tables a scan relies on are validated at open, row-store entries when a row is read.
/// Thread-safe for reads; disposal must follow the last read.
/// </summary>
public sealed class BucketFields : IDisposable
{
    private readonly MappedFile _file;
    private readonly Dictionary<string, SectionedFile.Section> _sections;
    private readonly int[] _stored;
    private readonly long[] _dictionaryCounts;

    private BucketFields(MappedFile file, FieldSchema schema, long count, SectionedFile.ReadResult read)
    {
        _file = file;
        Schema = schema;
        Count = count;
        HeaderChecksum = read.HeaderChecksum;
        _sections = read.Sections.ToDictionary(s => s.Tag, StringComparer.Ordinal);
        _stored = [.. Enumerable.Range(0, schema.Count).Where(f => !schema.Fields[f].Indexed)];
        _dictionaryCounts = new long[schema.Count];
    }

    public FieldSchema Schema { get; }

    public long Count { get; }

    public ulong HeaderChecksum { get; }

    public string Path => _file.Path;

    public static BucketFields Open(string path, FieldSchema schema, InvertedLists lists, bool verify)
    {
        MappedFile file = CentroidsFile.OpenExisting(path);
        try
        {
            string[] tags = FieldsFile.Tags(schema);
            SectionedFile.ReadResult read = SectionedFile.ReadAny(file, FieldsFile.Magic, tags.Length, verify);
            SectionedFile.FileHeader header = read.Header;
            if (header.Clusters != lists.Clusters || header.Count != lists.Count)
            {
                throw new IndexFormatException(
                    path,
                    $"holds {header.Count} rows in {header.Clusters} clusters; its lists file has {lists.Count} in {lists.Clusters}.");
            }

            SectionedFile.Section schemaSection = read.Sections[0];
            FieldSchema stored;
            try
            {
                stored = FieldSchema.FromBytes(file.Slice<byte>(schemaSection.Offset, checked((int)schemaSection.Length)));
            }
            catch (InvalidDataException e)
            {
                throw new IndexFormatException(path, $"section 'SCHM' {e.Message}");
            }

            if (!stored.SameAs(schema) || header.Dimensions != schema.Count)
            {
                throw new IndexFormatException(path, $"holds fields ({Describe(stored)}); the index's schema is ({Describe(schema)}).");
            }

            string[] actual = [.. read.Sections.Select(s => s.Tag)];
            if (!actual.SequenceEqual(tags))
            {
                throw new IndexFormatException(path, $"has sections {string.Join(",", actual)}; its schema needs {string.Join(",", tags)}.");
            }

            var fields = new BucketFields(file, schema, header.Count, read);
            fields.Validate(lists);
            return fields;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Checks every section's size and the tables a scan indexes with, naming the file and the bad value.</summary>
    private void Validate(InvertedLists lists)
    {
        long n = Count;
        ReadOnlySpan<long> offsets = Table("OFFS", lists.Clusters + 1L);
        for (int c = 0; c <= lists.Clusters; c++)
        {
            long expected = c == lists.Clusters ? lists.Count : lists.FirstRow(c);
            if (offsets[c] != expected)
            {
                throw Bad($"cluster {c} starts at row {offsets[c]}; in the lists file it starts at {expected}.");
            }
        }

        for (int f = 0; f < Schema.Count; f++)
        {
            FieldDefinition field = Schema.Fields[f];
            if (!field.Indexed)
            {
                continue;
            }

            if (!FieldsFile.IsDictionary(field.Type))
            {
                Expect(FieldsFile.Tag('C', f), n * FieldsFile.Width(field.Type));
                continue;
            }

            long u = (Section(FieldsFile.Tag('O', f)).Length / sizeof(long)) - 1;
            if (u < 0 || u > int.MaxValue)
            {
                throw Bad($"field '{field.Name}' has a dictionary of {u} values.");
            }

            _dictionaryCounts[f] = u;
            Monotone(FieldsFile.Tag('O', f), u + 1, Section(FieldsFile.Tag('D', f)).Length);
            Expect(FieldsFile.Tag('Q', f), (u + 1) * sizeof(long));
            long postings = Monotone(FieldsFile.Tag('Q', f), u + 1, Section(FieldsFile.Tag('P', f)).Length / sizeof(int));
            Expect(FieldsFile.Tag('P', f), postings * sizeof(int));
            if (field.Type == FieldType.String)
            {
                Expect(FieldsFile.Tag('C', f), n * sizeof(int));
            }
            else
            {
                Expect(FieldsFile.Tag('L', f), (n + 1) * sizeof(long));
                long codes = Monotone(FieldsFile.Tag('L', f), n + 1, Section(FieldsFile.Tag('C', f)).Length / sizeof(int));
                Expect(FieldsFile.Tag('C', f), codes * sizeof(int));
            }
        }

        Expect("ROWO", (n + 1) * sizeof(long));
        Monotone("ROWO", n + 1, Section("ROWB").Length);
    }

    /// <summary>Rows per cluster, from the offset table.</summary>
    public ReadOnlySpan<long> ClusterStarts => Table("OFFS", (Section("OFFS").Length / sizeof(long)));

    public ReadOnlySpan<long> Longs(int field) => Column<long>(field, FieldType.Long, FieldType.DateTime);

    public ReadOnlySpan<double> Doubles(int field) => Column<double>(field, FieldType.Double);

    public ReadOnlySpan<byte> Bools(int field) => Column<byte>(field, FieldType.Bool);

    /// <summary>Each row's dictionary code (-1: missing) of an indexed string field.</summary>
    public ReadOnlySpan<int> Codes(int field) => Column<int>(field, FieldType.String);

    public int DictionarySize(int field) => (int)_dictionaryCounts[field];

    /// <summary>The code of <paramref name="value"/> in an indexed string or tags field's dictionary, or -1 if no row holds it.</summary>
    public int Lookup(int field, string value)
    {
        byte[] key = Encoding.UTF8.GetBytes(value);
        int low = 0;
        int high = DictionarySize(field) - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) / 2);
            int order = Entry(field, middle).SequenceCompareTo(key);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    /// <summary>Dictionary value <paramref name="code"/> of an indexed string or tags field.</summary>
    public string Value(int field, int code) => Encoding.UTF8.GetString(Entry(field, code));

    /// <summary>The rows holding dictionary value <paramref name="code"/>, ascending (so grouped cluster by cluster).</summary>
    public ReadOnlySpan<int> Postings(int field, int code)
    {
        ReadOnlySpan<long> starts = Table(FieldsFile.Tag('Q', field), DictionarySize(field) + 1L);
        return _file.Slice<int>(Section(FieldsFile.Tag('P', field)).Offset + (starts[code] * sizeof(int)), (int)(starts[code + 1] - starts[code]));
    }

    /// <summary>Every value of row <paramref name="row"/>, aligned with the schema (canonical types; indexed times in UTC).</summary>
    public object?[] ReadRow(long row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        var values = new object?[Schema.Count];
        for (int f = 0; f < Schema.Count; f++)
        {
            if (Schema.Fields[f].Indexed)
            {
                values[f] = IndexedValue(f, (int)row);
            }
        }

        ReadOnlySpan<long> starts = Table("ROWO", Count + 1);
        ReadOnlySpan<byte> bytes = _file.Slice<byte>(Section("ROWB").Offset + starts[(int)row], (int)(starts[(int)row + 1] - starts[(int)row]));
        try
        {
            if (FieldRowCodec.Read(Schema, _stored, bytes, values) != bytes.Length)
            {
                throw Bad($"row {row}'s stored values do not fill its {bytes.Length} bytes.");
            }
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException)
        {
            throw Bad($"row {row}'s stored values are damaged: {e.Message}");
        }

        return values;
    }

    private object? IndexedValue(int f, int row)
    {
        switch (Schema.Fields[f].Type)
        {
            case FieldType.Long:
                long l = Longs(f)[row];
                return l == FieldValues.MissingLong ? null : l;
            case FieldType.DateTime:
                long ticks = Longs(f)[row];
                return ticks == FieldValues.MissingLong ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
            case FieldType.Double:
                double x = Doubles(f)[row];
                return double.IsNaN(x) ? null : x;
            case FieldType.Bool:
                byte b = Bools(f)[row];
                return b == FieldsFile.MissingBool ? null : b == 1;
            case FieldType.String:
                int code = Codes(f)[row];
                return code < 0 ? null : Value(f, CheckCode(f, code, row));
            default:
                ReadOnlySpan<long> starts = Table(FieldsFile.Tag('L', f), Count + 1);
                ReadOnlySpan<int> codes = _file.Slice<int>(
                    Section(FieldsFile.Tag('C', f)).Offset + (starts[row] * sizeof(int)),
                    (int)(starts[row + 1] - starts[row]));
                string[] tags = new string[codes.Length];
                for (int i = 0; i < codes.Length; i++)
                {
                    tags[i] = Value(f, CheckCode(f, codes[i], row));
                }

                return tags;
        }
    }

    private int CheckCode(int f, int code, int row) =>
        code >= 0 && code < DictionarySize(f) ? code : throw Bad($"row {row} of field '{Schema.Fields[f].Name}' has code {code}.");

    private ReadOnlySpan<byte> Entry(int field, int code)
    {
        ReadOnlySpan<long> starts = Table(FieldsFile.Tag('O', field), DictionarySize(field) + 1L);
        return _file.Slice<byte>(Section(FieldsFile.Tag('D', field)).Offset + starts[code], (int)(starts[code + 1] - starts[code]));
    }

    private ReadOnlySpan<T> Column<T>(int field, params FieldType[] types)
        where T : unmanaged
    {
        FieldDefinition definition = Schema.Fields[field];
        if (!definition.Indexed || !types.Contains(definition.Type))
        {
            throw new ArgumentException(
                $"field '{definition.Name}' ({definition.Type}, indexed: {definition.Indexed}) has no {typeof(T).Name} column.");
        }

        return _file.Slice<T>(Section(FieldsFile.Tag('C', field)).Offset, checked((int)Count));
    }

    private SectionedFile.Section Section(string tag) => _sections[tag];

    private ReadOnlySpan<long> Table(string tag, long entries) => _file.Slice<long>(Section(tag).Offset, checked((int)entries));

    private void Expect(string tag, long bytes)
    {
        if (Section(tag).Length != bytes)
        {
            throw Bad($"section '{tag}' has {Section(tag).Length} bytes; {Count} rows need {bytes}.");
        }
    }

    /// <summary>Checks a table of offsets starts at 0, never decreases and ends at most at <paramref name="limit"/>; returns its last
    /// entry.</summary>
    private long Monotone(string tag, long entries, long limit)
    {
        if (Section(tag).Length < entries * sizeof(long))
        {
            throw Bad($"section '{tag}' has {Section(tag).Length} bytes; {entries} offsets need {entries * sizeof(long)}.");
        }

        ReadOnlySpan<long> table = Table(tag, entries);
        if (table[0] != 0)
        {
            throw Bad($"section '{tag}' starts at {table[0]}, not 0.");
        }

        for (int i = 1; i < table.Length; i++)
        {
            if (table[i] < table[i - 1])
            {
                throw Bad($"section '{tag}' decreases at entry {i} ({table[i - 1]} then {table[i]}).");
            }
        }

        return table[^1] <= limit ? table[^1]
            : throw Bad($"section '{tag}' ends at {table[^1]}, past its data's {limit}.");
    }

    private IndexFormatException Bad(string problem) => new(_file.Path, problem);

    private static string Describe(FieldSchema schema) =>
        string.Join(", ", schema.Fields.Select(f => $"{f.Name} {f.Type}{(f.Indexed ? " indexed" : "")}"));

    public void Dispose() => _file.Dispose();
}
