namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Recall of approximate answers against exact ones. It stays in the engine because the index's own tuner
/// (<see cref="Tuning.ProbeTuner"/>) chooses its defaults by it; every other quality measure lives in
/// HyperdOrleans.Evaluation. Thread-safe (stateless).
/// </summary>
public static class Recall
{
    /// <summary>
    /// Mean recall@k, tie-aware: a returned id counts if it is in the exact top k, or if its score equals the
    /// exact k-th score within rounding (an equally good answer).
    /// </summary>
    public static double AtK(IReadOnlyList<Neighbor[]> approximate, IReadOnlyList<Neighbor[]> exact, int k)
    {
        if (approximate.Count != exact.Count || approximate.Count == 0)
        {
            throw new ArgumentException($"{approximate.Count} approximate answers for {exact.Count} exact ones.");
        }

        double total = 0;
        for (int q = 0; q < exact.Count; q++)
        {
            Neighbor[] truth = exact[q];
            int depth = Math.Min(k, truth.Length);
            if (depth == 0)
            {
                continue;
            }

            var ids = new HashSet<long>(truth.Take(depth).Select(t => t.Id));
            float kth = truth[depth - 1].Score - 1e-6f;
            int hits = approximate[q].Take(k).DistinctBy(a => a.Id).Count(a => ids.Contains(a.Id) || a.Score >= kth);
            total += (double)hits / depth;
        }

        return total / exact.Count;
    }
}
