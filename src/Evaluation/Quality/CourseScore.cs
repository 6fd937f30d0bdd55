using HyperdOrleans.Engine;

namespace HyperdOrleans.Evaluation.Quality;

/// <summary>
/// The course score (the workload this index started from), kept for the benchmark report. Recall is the
/// engine's <see cref="Engine.Search.Recall"/>: its tuner needs it. Thread-safe (stateless).
/// </summary>
public static class CourseScore
{
    /// <summary>
    /// The score averaged over queries (0 is best): for each returned id whose 0-based position in the exact
    /// ranking of all <paramref name="count"/> vectors exceeds 3k, that position is subtracted; a query that
    /// does not return exactly k distinct ids scores −count·k. Positions come from
    /// <see cref="Engine.Search.ExactSearch"/> given the approximate answers.
    /// </summary>
    public static double Mean(IReadOnlyList<Neighbor[]> approximate, IReadOnlyList<long[]> positions, int k, long count)
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
