namespace HyperdOrleans.Engine.Search;

/// <summary>Quality measures of approximate answers against exact ones. Thread-safe (stateless).</summary>
public static class Evaluation
{
    /// <summary>
    /// Mean recall@k, tie-aware: a returned id counts if it is in the exact top k, or if its score equals the
    /// exact k-th score within rounding (an equally good answer).
    /// </summary>
    public static double RecallAtK(IReadOnlyList<Neighbor[]> approximate, IReadOnlyList<Neighbor[]> exact, int k)
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

    /// <summary>
    /// The course score, averaged over queries (0 is best): for each returned id whose 0-based position in the
    /// exact ranking of all <paramref name="count"/> vectors exceeds 3k, that position is subtracted; a query that
    /// does not return exactly k distinct ids scores −count·k.
    /// </summary>
    public static double CourseScore(IReadOnlyList<Neighbor[]> approximate, IReadOnlyList<long[]> positions, int k, long count)
    {
        double total = 0;
        for (int q = 0; q < approximate.Count; q++)
        {
            Neighbor[] answer = approximate[q];
            if (answer.Length != k || answer.DistinctBy(a => a.Id).Count() != k)
            {
                total -= (double)count * k;
                continue;
            }

            foreach (long position in positions[q])
            {
                if (position > 3L * k)
                {
                    total -= position;
                }
            }
        }

        return total / approximate.Count;
    }
}
