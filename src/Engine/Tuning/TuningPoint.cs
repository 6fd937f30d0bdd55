using System.Text.Json.Serialization;

namespace HyperdOrleans.Engine.Tuning;

/// <summary>
/// One measured setting: recall@k on the held-out sample, its cost as the average dot products per query (centroids
/// scored plus rows scanned: exact and machine-independent, what the choice uses) and the wall queries/s of the
/// batched sample on this machine (shown only: it moves with load).
/// </summary>
public sealed record TuningPoint(int LshProbes, int NProbe, double Recall, double DotsPerQuery, double QueriesPerSecond)
{
    [JsonIgnore]
    public SearchParameters Parameters => new(LshProbes, NProbe);
}
