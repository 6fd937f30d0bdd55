namespace HyperdOrleans.Abstractions;

/// <summary>What an index name may be. Names are the first part of every grain key of an index, so '/' is not allowed.</summary>
public static class IndexNames
{
    /// <summary>
    /// The file store folder of build sources that clients upload (<see cref="BuildRequest.SourceObject"/>). An index keeps its files
    /// under its own name in the same store, so no index may take this name: a client could otherwise build from its files.
    /// </summary>
    public const string Imports = "imports";

    /// <summary>Throws <see cref="ArgumentException"/> unless the name is a usable index name.</summary>
    public static void Validate(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            || name.StartsWith('.'))
        {
            throw new ArgumentException(
                $"index name '{name}' is not valid: use 1 to 100 ASCII letters, digits, '-', '_' or '.', not starting with '.'.",
                nameof(name));
        }

        // Case-insensitive: a local store on a case-insensitive file system maps "Imports" to the same folder.
        if (string.Equals(name, Imports, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException(
                $"index name '{name}' is reserved: the cluster's file store keeps uploaded build sources under '{Imports}/'.",
                nameof(name));
        }
    }
}
