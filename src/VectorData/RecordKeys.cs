using System.IO.Hashing;
using System.Text;

namespace HyperdOrleans.VectorData;

/// <summary>
/// How a record's key becomes the index's 64-bit id. <c>long</c> and <c>int</c> keys are the id itself; <c>string</c> and
/// <see cref="Guid"/> keys are hashed (XxHash64 of the UTF-8 text or of the Guid's 16 bytes, sign bit cleared) and kept in
/// <see cref="ReservedFields.Key"/> so that reads give them back and collisions are refused. Thread-safe (stateless).
/// </summary>
internal static class RecordKeys
{
    /// <summary>Whether keys of <paramref name="keyType"/> are hashed (and stored in the reserved field).</summary>
    public static bool IsHashed(Type keyType) => keyType == typeof(string) || keyType == typeof(Guid);

    public static bool IsSupported(Type keyType) => keyType == typeof(long) || keyType == typeof(int) || IsHashed(keyType);

    /// <summary>The id of <paramref name="key"/>; throws <see cref="ArgumentException"/> for a key of another type than the model's.</summary>
    public static long ToId(object key, Type keyType) => (key, keyType) switch
    {
        (long l, _) when keyType == typeof(long) => l,
        (int i, _) when keyType == typeof(int) => i,
        (string s, _) when keyType == typeof(string) => Hash(Encoding.UTF8.GetBytes(s)),
        (Guid g, _) when keyType == typeof(Guid) => Hash(g.ToByteArray()),
        _ => throw new ArgumentException($"key '{key}' ({key.GetType().Name}) is not a {keyType.Name}, the collection's key type.", nameof(key)),
    };

    /// <summary>The key stored in the reserved field for a hashed key (its text), null for id keys.</summary>
    public static string? ToStored(object key, Type keyType) =>
        !IsHashed(keyType) ? null : key is Guid g ? g.ToString("D") : (string)key;

    /// <summary>The key of a row read back: the id for id keys, the stored text for hashed ones.</summary>
    public static object FromRow(long id, string? stored, Type keyType) =>
        keyType == typeof(long) ? id
        : keyType == typeof(int) ? checked((int)id)
        : keyType == typeof(Guid) ? Guid.Parse(stored ?? throw Unkeyed(id))
        : stored ?? throw Unkeyed(id);

    private static long Hash(ReadOnlySpan<byte> bytes) => (long)(XxHash64.HashToUInt64(bytes) & long.MaxValue);

    private static InvalidOperationException Unkeyed(long id) =>
        new($"row {id} has no '{ReservedFields.Key}' value: it was not written through this connector's string or Guid keys.");
}
