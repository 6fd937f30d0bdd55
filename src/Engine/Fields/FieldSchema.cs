using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Serialization;

namespace HyperdOrleans.Engine.Fields;

/// <summary>
/// The data fields every row of an index carries, in order: a row's values are an array aligned with
/// <see cref="Fields"/>. Immutable; thread-safe.
/// </summary>
public sealed record FieldSchema(FieldDefinition[] Fields)
{
    /// <summary>Fields a schema may have: section tags number them with three digits.</summary>
    public const int MaxFields = 1000;

    public const int MaxNameLength = 128;

    [JsonIgnore]
    public int Count => Fields.Length;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field: empty or duplicate names, unknown types, too many fields.</summary>
    public FieldSchema Validate()
    {
        if (Fields is null || Fields.Length > MaxFields)
        {
            throw new ArgumentException($"a schema has at most {MaxFields} fields, got {Fields?.Length}.", nameof(Fields));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (FieldDefinition field in Fields)
        {
            if (string.IsNullOrWhiteSpace(field?.Name) || field.Name.Length > MaxNameLength)
            {
                throw new ArgumentException($"a field name must be 1 to {MaxNameLength} characters, got '{field?.Name}'.", nameof(Fields));
            }

            if (!Enum.IsDefined(field.Type))
            {
                throw new ArgumentException($"field '{field.Name}' has unknown type {(int)field.Type}.", nameof(Fields));
            }

            if (!names.Add(field.Name))
            {
                throw new ArgumentException($"field '{field.Name}' is defined twice.", nameof(Fields));
            }
        }

        return this;
    }

    /// <summary>The position of the field named <paramref name="name"/> (ordinal), or -1.</summary>
    public int IndexOf(string name) => Array.FindIndex(Fields, f => f.Name == name);

    /// <summary>Whether <paramref name="other"/> has the same fields in the same order (records over arrays compare by reference).</summary>
    public bool SameAs(FieldSchema? other) => other is not null && Fields.SequenceEqual(other.Fields);

    /// <summary>
    /// Checks a row's values against the schema and returns them in canonical types (<see cref="FieldValues.Normalize"/>);
    /// <see cref="ArgumentException"/> names <paramref name="where"/> and the field.
    /// </summary>
    public object?[] CheckRow(IReadOnlyList<object?> values, string where)
    {
        if (values.Count != Fields.Length)
        {
            throw new ArgumentException($"{where} has {values.Count} field values; the schema has {Fields.Length} fields.", nameof(values));
        }

        var normalized = new object?[Fields.Length];
        for (int i = 0; i < Fields.Length; i++)
        {
            normalized[i] = FieldValues.Normalize(Fields[i], values[i], where);
        }

        return normalized;
    }

    /// <summary>The schema as the fields file stores it: u16 count, then per field u8 type, u8 indexed, u16 name length, UTF-8 name.</summary>
    public byte[] ToBytes()
    {
        var bytes = new List<byte>();
        Span<byte> word = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(word, (ushort)Fields.Length);
        bytes.AddRange(word);
        foreach (FieldDefinition field in Fields)
        {
            byte[] name = Encoding.UTF8.GetBytes(field.Name);
            bytes.Add((byte)field.Type);
            bytes.Add(field.Indexed ? (byte)1 : (byte)0);
            BinaryPrimitives.WriteUInt16LittleEndian(word, (ushort)name.Length);
            bytes.AddRange(word);
            bytes.AddRange(name);
        }

        return [.. bytes];
    }

    /// <summary>Reads <see cref="ToBytes"/>; <see cref="InvalidDataException"/> when the bytes are not a valid schema.</summary>
    public static FieldSchema FromBytes(ReadOnlySpan<byte> bytes)
    {
        try
        {
            int count = BinaryPrimitives.ReadUInt16LittleEndian(bytes);
            int at = 2;
            var fields = new FieldDefinition[count];
            for (int i = 0; i < count; i++)
            {
                var type = (FieldType)bytes[at];
                bool indexed = bytes[at + 1] switch
                {
                    0 => false,
                    1 => true,
                    byte b => throw new InvalidDataException($"field {i} has indexed flag {b}."),
                };
                int length = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(at + 2)..]);
                fields[i] = new FieldDefinition(Encoding.UTF8.GetString(bytes.Slice(at + 4, length)), type, indexed);
                at += 4 + length;
            }

            if (at != bytes.Length)
            {
                throw new InvalidDataException($"the schema ends at byte {at} of {bytes.Length}.");
            }

            return new FieldSchema(fields).Validate();
        }
        catch (Exception e) when (e is ArgumentException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"the schema bytes are malformed: {e.Message}", e);
        }
    }
}
