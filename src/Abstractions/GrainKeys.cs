using System.Globalization;

namespace HyperdOrleans.Abstractions;

/// <summary>How grain keys are composed and checked. Index names are the first key part, so '/' is not allowed in them.</summary>
public static class GrainKeys
{
    public const int BucketCount = 8;

    public static string Bucket(string index, int bucket) => $"{index}/{bucket.ToString(CultureInfo.InvariantCulture)}";

    public static string BuildJob(string index, long generation, int bucket) =>
        $"{index}/{generation.ToString(CultureInfo.InvariantCulture)}/{bucket.ToString(CultureInfo.InvariantCulture)}";

    public static (string Index, int Bucket) ParseBucket(string key)
    {
        int slash = key.LastIndexOf('/');
        return (key[..slash], int.Parse(key.AsSpan(slash + 1), CultureInfo.InvariantCulture));
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the name is a usable index name.</summary>
    public static void ValidateIndexName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || name.StartsWith('.'))
        {
            throw new ArgumentException($"index name '{name}' is not valid: use 1 to 100 ASCII letters, digits, '-', '_' or '.', not starting with '.'.", nameof(name));
        }
    }
}
