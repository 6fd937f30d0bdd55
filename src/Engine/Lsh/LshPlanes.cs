namespace HyperdOrleans.Engine.Lsh;

/// <summary>How the build chooses the three LSH hyperplanes (thresholds are sample medians either way).</summary>
public enum LshPlanes
{
    /// <summary>
    /// The sample's top three principal directions: along them the data spreads most, so the fewest near
    /// neighbours straddle a median threshold and fewer buckets need probing for the same recall (on GloVe,
    /// three probes cover 94 % of the true top 10 against 73 % with random planes).
    /// </summary>
    Principal,

    /// <summary>Seeded Gaussian directions with the sample's mean direction projected out (classic random-hyperplane LSH).</summary>
    Random,
}
