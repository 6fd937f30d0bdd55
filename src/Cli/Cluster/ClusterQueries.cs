using HyperdOrleans.Abstractions;
using HyperdOrleans.Evaluation.Measure;
using HyperdOrleans.Client;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>The two ways a batch is answered in a cluster benchmark: through the cluster, or by the engine alone on the same files.</summary>
internal static class ClusterQueries
{
    /// <summary>Through the client SDK; every answer must come from <paramref name="generation"/> (null: any), so both sides
    /// measure the same index.</summary>
    public static BatchSearch Cluster(
        HyperdClient client,
        string name,
        int k,
        SearchParameters probes,
        long? generation,
        CancellationToken cancellationToken)
    {
        var options = new SearchOptions(probes.LshProbes, probes.NProbe, (SearchBudget)probes.Budget, probes.Rerank);
        return async rows =>
        {
            SearchResponse response = await client.SearchRowsAsync(name, rows, k, options, cancellationToken: cancellationToken);
            if (generation is long expected && response.Generation != expected)
            {
                throw new CliException($"index '{name}' switched from generation {expected} to {response.Generation} during the run (a rebuild "
                    + $"ran); measure again.");
            }

            return ToNeighbors(response.Results);
        };
    }

    /// <summary>The engine in this process: each request is one <see cref="VectorIndex.SearchBatch"/> on <paramref
    /// name="threads"/> threads.</summary>
    public static BatchSearch Engine(VectorIndex index, int k, SearchParameters probes, int threads) =>
        rows => Task.FromResult(index.SearchBatch(rows, k, probes, threads));

    public static Neighbor[][] ToNeighbors(QueryResult[] results)
    {
        var neighbors = new Neighbor[results.Length][];
        for (int q = 0; q < results.Length; q++)
        {
            QueryResult r = results[q];
            var row = new Neighbor[r.Ids.Length];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = new Neighbor(r.Ids[i], r.Scores[i]);
            }

            neighbors[q] = row;
        }

        return neighbors;
    }
}
