using System.CommandLine;
using HyperdOrleans.Cli.Cluster;

namespace HyperdOrleans.Cli.Commands;

/// <summary>The options that switch a command to cluster mode, spelled and described the same on every command.</summary>
internal sealed record ClusterOptionSet(Option<string?> Cluster, Option<string?> Name, Option<string?> SiloData)
{
    public static ClusterOptionSet Create() => new(
        new Option<string?>("--cluster")
        {
            Description = $"Run against a HyperdOrleans cluster through the client SDK instead of the engine: {ClusterTarget.Usage}. "
                + "embedded hosts a silo in this process; azure reads Hyperd__Client__AzureStorageConnectionString (or "
                + "Hyperd__Azure__ConnectionString, "
                + "Hyperd__ClusterId, Hyperd__ServiceId as infra/.run/cluster.env sets them). Default: env Hyperd__Client__Cluster, else engine "
                + "mode.",
            HelpName = "cluster",
        },
        new Option<string?>("--name")
        {
            Description = $"Index name in the cluster (default: the --index folder's name, else '{ClusterChoice.DefaultName}').",
            HelpName = "name",
        },
        new Option<string?>("--silo-data")
        {
            Description = "Data directory of the embedded silo: grain state, index files, cache (default: <index>/cluster, else the silo host's "
                + "default).",
            HelpName = "path",
        });

    public void AddTo(Command command)
    {
        command.Options.Add(Cluster);
        command.Options.Add(Name);
        command.Options.Add(SiloData);
    }

    /// <returns>Null in engine mode.</returns>
    public ClusterChoice? Resolve(ParseResult parsed, string? index, string? engineIndex = null) =>
        ClusterChoice.From(parsed.GetValue(Cluster), parsed.GetValue(Name), index, parsed.GetValue(SiloData), engineIndex);

    /// <summary>Engine mode needs an index directory; cluster mode finds the index by name.</summary>
    public static string RequireIndex(string? index) =>
        index ?? throw new CliException("--index is required (the index directory), unless --cluster is given.");
}
