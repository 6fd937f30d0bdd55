using System.Text.Json.Serialization;

namespace HyperdOrleans.Engine.Tuning;

/// <summary>
/// One measured setting: recall@k on the sample, its cost as the average dot products per query (centroids scored
/// plus rows scanned: exact and machine-independent, what the choice uses) and the wall queries/s of the batched
/// sample on this machine (shown only: it moves with load). <see cref="Margin"/> is how far the sample's recall must
/// clear the target for the setting to count as reaching it (see <see cref="TuningOptions.MarginZ"/>; 0 on real queries).
/// </summary>
public sealed record TuningPoint(int LshProbes, int NProbe, double Recall, double DotsPerQuery, double QueriesPerSecond, double Margin = 0)
{
    [JsonIgnore]
    public SearchParameters Parameters => new(LshProbes, NProbe);

    /// <summary>The recall this setting is judged by: the sample's, less the margin.</summary>
    [JsonIgnore]
    public double LowerBound => Recall - Margin;

    public bool Reaches(double target) => LowerBound >= target;
}
