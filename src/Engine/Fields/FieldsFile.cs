using System.Globalization;

namespace HyperdOrleans.Engine.Fields;

/// <summary>
/// A bucket's data fields beside its <see cref="Ivf.InvertedListsFile"/>, in the same cluster-major row order (row r
/// of the fields file is row r of the lists file): magic <c>HDFD</c>, header dimensions = the schema's field count.
/// Sections: <c>SCHM</c> (the schema, <see cref="FieldSchema.ToBytes"/>), <c>OFFS</c> (k + 1 int64 row offsets, equal
/// to the lists file's), then for each indexed field f (three digits) in schema order its columns, and last the row
/// store of the other fields: <c>ROWO</c> (n + 1 int64 byte offsets) and <c>ROWB</c> (<see cref="FieldRowCodec"/> bytes).
/// <list type="bullet">
/// <item>long, DateTimeOffset (UTC ticks): <c>Cfff</c> n int64, missing = long.MinValue; double: n float64, missing = NaN;
/// bool: n bytes (0, 1; 2 missing).</item>
/// <item>string: <c>Cfff</c> n int32 dictionary codes (-1 missing), <c>Offf</c> (u + 1) int64 offsets into <c>Dfff</c>, the
/// u distinct values as UTF-8 sorted bytewise, and the posting lists: <c>Qfff</c> (u + 1) int64 offsets into <c>Pfff</c>,
/// the int32 rows holding each value, ascending (so grouped by cluster).</item>
/// <item>tags: <c>Lfff</c> (n + 1) int64 offsets into <c>Cfff</c> (each row's distinct tag codes), then O, D, Q, P as for strings.</item>
/// </list>
/// </summary>
public static class FieldsFile
{
    public const string Magic = "HDFD";

    /// <summary>The section tags a file of <paramref name="schema"/> has, in order.</summary>
    public static string[] Tags(FieldSchema schema)
    {
        var tags = new List<string> { "SCHM", "OFFS" };
        for (int f = 0; f < schema.Count; f++)
        {
            FieldDefinition field = schema.Fields[f];
            if (!field.Indexed)
            {
                continue;
            }

            if (field.Type == FieldType.Tags)
            {
                tags.Add(Tag('L', f));
            }

            tags.Add(Tag('C', f));
            if (IsDictionary(field.Type))
            {
                tags.AddRange([Tag('O', f), Tag('D', f), Tag('Q', f), Tag('P', f)]);
            }
        }

        tags.AddRange(["ROWO", "ROWB"]);
        return [.. tags];
    }

    public static string Tag(char kind, int field) => kind + field.ToString("D3", CultureInfo.InvariantCulture);

    public static bool IsDictionary(FieldType type) => type is FieldType.String or FieldType.Tags;

    /// <summary>Bytes per row of a fixed-width column (strings: their int32 code); 0 for tags, whose codes vary in number.</summary>
    public static int Width(FieldType type) => type switch
    {
        FieldType.Long or FieldType.DateTime or FieldType.Double => sizeof(long),
        FieldType.Bool => sizeof(byte),
        FieldType.String => sizeof(int),
        _ => 0,
    };

    public const byte MissingBool = 2;
}
