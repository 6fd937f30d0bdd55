namespace HyperdOrleans.Bench;

/// <summary>
/// Folds a run into an earlier run's results (<c>--append</c>), so a full suite can be measured in stages (say,
/// the 20M set on one quiet evening, the peers on another) and still come out as one report.
/// </summary>
public static class ResultsMerge
{
    /// <summary>
    /// <paramref name="earlier"/> with <paramref name="now"/>'s data sets folded in: on each data set run now, the
    /// methods run now replace their own builds, points and course scores; other methods' figures stay.
    /// </summary>
    public static BenchResults Merge(BenchResults earlier, BenchResults now, IReadOnlyCollection<string> methodsRun)
    {
        var merged = new BenchResults
        {
            Machine = now.Machine,
            Suite = now.Suite,
            CommandLine = now.CommandLine,
            Commit = now.Commit,
            StartedUtc = now.StartedUtc,
            Seconds = now.Seconds,
            Threads = now.Threads,
            Clock = now.Clock,
            LoadAverage = now.LoadAverage,
        };
        merged.Stages.AddRange(earlier.Stages.Count > 0 ? earlier.Stages : [RunStage.Of(earlier)]);
        merged.Stages.AddRange(now.Stages);
        merged.Notes.AddRange(earlier.Notes.Union(now.Notes));
        merged.Datasets.AddRange(earlier.Datasets);
        foreach (DatasetResult data in now.Datasets)
        {
            int at = merged.Datasets.FindIndex(d => d.Name == data.Name);
            if (at < 0 || merged.Datasets[at].Count != data.Count || merged.Datasets[at].Queries != data.Queries)
            {
                // A new set, or one measured with other queries: nothing earlier is comparable.
                if (at >= 0)
                {
                    merged.Datasets.RemoveAt(at);
                }

                merged.Datasets.Add(data);
                continue;
            }

            merged.Datasets[at] = Fold(merged.Datasets[at], data, methodsRun);
        }

        return merged;
    }

    private static DatasetResult Fold(DatasetResult earlier, DatasetResult now, IReadOnlyCollection<string> methodsRun)
    {
        bool Replaced(string method) => methodsRun.Contains(Family(method));
        var folded = new DatasetResult
        {
            Name = now.Name,
            Description = now.Description,
            Count = now.Count,
            Dimensions = now.Dimensions,
            Queries = now.Queries,
            GroundTruthK = now.GroundTruthK,
            ExactScanGBps = now.ExactScanGBps > 0 ? now.ExactScanGBps : earlier.ExactScanGBps,
        };
        // A build reused from the cache (--reuse-indexes) repeats an earlier record: keep the earlier run's builds of that method.
        bool Reused(string method) => now.Builds.Where(b => b.Method == method).All(b => b.Note.StartsWith("reused", StringComparison.Ordinal));
        folded.Builds.AddRange(earlier.Builds.Where(b => !Replaced(b.Method) || (Reused(b.Method) && earlier.Builds.Any(e => e.Method == b.Method))));
        folded.Builds.AddRange(now.Builds.Where(b => !(Reused(b.Method) && earlier.Builds.Any(e => e.Method == b.Method))));
        folded.Points.AddRange(earlier.Points.Where(p => !Replaced(p.Method)).Concat(now.Points));
        folded.CourseScores.AddRange(earlier.CourseScores.Where(c => !Replaced(c.Method)).Concat(now.CourseScores));
        folded.Tunings.AddRange(earlier.Tunings.Where(t => !Replaced(t.Method)).Concat(now.Tunings));
        folded.SearchMemory.AddRange(earlier.SearchMemory.Where(m => !Replaced(m.Method)).Concat(now.SearchMemory));
        folded.FirstCalls.AddRange(earlier.FirstCalls.Where(f => !Replaced(f.Method)).Concat(now.FirstCalls));
        folded.Notes.AddRange(earlier.Notes.Union(now.Notes));
        return folded;
    }

    /// <summary>The --methods name a result row came from ("exact-batched" comes from "exact").</summary>
    private static string Family(string method) => method.StartsWith(MethodNames.Exact, StringComparison.Ordinal) ? MethodNames.Exact : method;
}
