using HyperdOrleans.Abstractions;
using Microsoft.Extensions.Configuration;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>
/// The cluster a command runs against and the index name there, resolved from <c>--cluster</c>, <c>--name</c>,
/// <c>--index</c> and <c>--silo-data</c>. For an embedded silo, <see cref="EmbeddedData"/> is its data directory:
/// <c>--silo-data</c>, else <c>cluster</c> under the index directory, else the silo host's default, so a later
/// run (or <c>dotnet run --project src/Silo</c>) finds the same index again.
/// </summary>
internal sealed record ClusterChoice(ClusterTarget Target, string Name, string? EmbeddedData, string? EngineIndex)
{
    public const string DefaultName = "default";

    /// <returns>Null when no cluster is named (on the command line or in <see cref="ClusterTarget.DefaultKey"/>): engine mode.</returns>
    public static ClusterChoice? From(string? cluster, string? name, string? index, string? siloData, string? engineIndex = null)
    {
        IConfiguration configuration = ClusterTarget.Environment();
        cluster ??= configuration[ClusterTarget.DefaultKey];
        if (string.IsNullOrWhiteSpace(cluster))
        {
            return null;
        }

        ClusterTarget target = ClusterTarget.Parse(cluster, configuration);
        string resolved = name ?? NameFor(index);
        IndexNames.Validate(resolved);
        string? data = target.Kind != ClusterKind.Embedded ? null
            : siloData is not null ? Path.GetFullPath(siloData)
            : index is not null ? Path.Combine(Path.GetFullPath(index), "cluster")
            : Path.Combine(
                Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
                "hyperd");
        return new ClusterChoice(target, resolved, data, engineIndex is null ? null : Path.GetFullPath(engineIndex));
    }

    /// <summary>The index folder's name made into a valid index name (other characters become '-'), or <see cref="DefaultName"/>.</summary>
    public static string NameFor(string? index)
    {
        if (index is null)
        {
            return DefaultName;
        }

        string folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(index)));
        string name = new string([.. folder.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-')]).TrimStart('.');
        return name.Length == 0 ? DefaultName : name[..Math.Min(name.Length, 100)];
    }
}
