using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;
using HyperdOrleans.Engine;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>A built cluster index: its status and default probes (what the coordinator uses when a query names none).</summary>
internal sealed record ClusterIndexInfo(IndexStatus Status, SearchParameters Defaults)
{
    /// <summary>Throws <see cref="CliException"/> when the index has no generation to search yet.</summary>
    public static async Task<ClusterIndexInfo> ReadAsync(ClusterSession session, CancellationToken cancellationToken)
    {
        IndexStatus status = await session.Client.StatusAsync(session.Name, cancellationToken: cancellationToken);
        if (!status.Exists)
        {
            throw new CliException($"index '{session.Name}' has no built generation in the {session.Choice.Target.Description}; build it first "
                + $"(hyperd build --cluster ... --name {session.Name}).");
        }

        // A silo without the field answers queries with the compiled defaults, which are the engine's.
        IndexDefaults? defaults = IndexInfo.From(status).Defaults;
        return new ClusterIndexInfo(status, defaults is null ? SearchParameters.Default : new SearchParameters(defaults.LshProbes, defaults.NProbe));
    }
}
