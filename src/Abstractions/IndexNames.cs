namespace HyperdOrleans.Abstractions;

/// <summary>What an index name may be. Names are the first part of every grain key of an index, so '/' is not allowed.</summary>
public static class IndexNames
{
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
    }
}
