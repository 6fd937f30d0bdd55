using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Security;

/// <summary>
/// Which file store objects a build may read (<see cref="BuildRequest.SourceObject"/>): only names under <c>imports/</c>, so a
/// client cannot build from an index's files or its write-ahead log (they live in the same store, under the index's name, and no
/// index may be named <c>imports</c>). A name is judged as text, before the store sees it: no <c>..</c>, <c>.</c> or empty part,
/// no backslash, no control character. Every refusal has one message. Stateless; safe for concurrent use.
/// </summary>
public static class ImportObjectPolicy
{
    /// <summary>The store folder of uploaded build sources, with its '/'.</summary>
    public const string Prefix = IndexNames.Imports + "/";

    private const int MaxLength = 1024;

    /// <summary>True when <paramref name="name"/> is an object name under <see cref="Prefix"/> that a build may read.</summary>
    public static bool IsImport(string? name) =>
        name is not null
        && name.Length > Prefix.Length && name.Length <= MaxLength
        && name.StartsWith(Prefix, StringComparison.Ordinal)
        && !name.Any(c => c == '\\' || char.IsControl(c))
        && name[Prefix.Length..].Split('/').All(part => part is not ("" or "." or ".."));

    /// <summary>Returns <paramref name="sourceObject"/> when a build may read it.</summary>
    /// <exception cref="ArgumentException">It is not a plain name under <see cref="Prefix"/>.</exception>
    public static string Admit(string sourceObject) => IsImport(sourceObject)
        ? sourceObject
        : throw new ArgumentException(
            $"source object '{sourceObject}' is not an import of this cluster: name an object under '{Prefix}' in its file store "
                + $"(such as '{Prefix}vectors.fvecs'), without '..', '.' or empty parts and without '\\'.",
            nameof(sourceObject));

    /// <summary>The store name for what a user typed: a bare file name goes under <see cref="Prefix"/>.</summary>
    public static string NameFor(string nameOrFile) =>
        Admit(nameOrFile.StartsWith(Prefix, StringComparison.Ordinal) ? nameOrFile : Prefix + nameOrFile);
}
