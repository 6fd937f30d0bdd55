using System.Diagnostics;
using HyperdOrleans.Bench.Data;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Evaluation.Exact;
using HyperdOrleans.Evaluation.Measure;

namespace HyperdOrleans.Bench.Filtered;

/// <summary>
/// The <c>filtered</c> mode: GloVe words with real categories (frequency band, first letter), an index built with them
/// as data fields, and four filters keeping about 50 %, 10 %, 1 % and 0.1 % of the rows. For each: the engine's in-scan
/// filter, post-filtering (an unfiltered top k' = 2k / share, then the filter) and exact filtered search (the rows
/// passing, gathered and searched by the batched exact baseline), each timed <see cref="FilteredOptions.Repeats"/>
/// times; recall@10 is against the exact filtered answers.
/// </summary>
public static class FilteredBench
{
    public const int K = 10;

    public static readonly FieldSchema Schema = new([
        new FieldDefinition("band", FieldType.Long, Indexed: true),
        new FieldDefinition("letter", FieldType.String, Indexed: true),
        new FieldDefinition("tags", FieldType.Tags, Indexed: true),
        new FieldDefinition("word", FieldType.String),
    ]);

    public static string Run(FilteredOptions options, TextWriter log)
    {
        using Dataset data = DatasetCatalog.Prepare("glove-100", options.CacheDirectory, options.Queries, options.Threads, log);
        GloveLabels labels = GloveLabels.Load(options.CacheDirectory, log);
        if (labels.Count != data.Count)
        {
            throw new InvalidDataException($"{labels.Count} labels for {data.Count} GloVe base rows: delete labels.bin to derive them again.");
        }

        using VectorIndex index = OpenOrBuild(data, labels, options, log);
        var parameters = new SearchParameters(options.LshProbes, options.NProbe);
        var rows = new List<FilteredRow>();
        Timed unfiltered = Time(options.Repeats, () => index.SearchBatch(data.UnitQueries, K, parameters, options.Threads));
        foreach (FilterCase filter in Cases(labels))
        {
            rows.AddRange(Measure(filter, data, labels, index, parameters, options, log));
        }

        var report = new FilteredReport(options, data, parameters, (data.QueryCount / unfiltered.Wall, data.QueryCount / unfiltered.Cpu), rows);
        string path = report.Write();
        log.WriteLine(report.Table());
        return path;
    }

    /// <summary>The four filters, on the real categories; their shares of the rows are measured, not assumed.</summary>
    public static FilterCase[] Cases(GloveLabels labels) =>
    [
        new("band >= 166 (the rarer half)", 0.5, new RangeFilter("band", RangeOperator.GreaterThanOrEqual, 166), row => labels.Band(row) >= 166),
        new("letter = s", 0.1, new EqualFilter("letter", "s"), row => labels.Letter(row) == "s"),
        new("letter = c and band < 37", 0.01,
            new EqualFilter("letter", "c") & new RangeFilter("band", RangeOperator.LessThan, 37),
            row => labels.Letter(row) == "c" && labels.Band(row) < 37),
        new("tag 'top10k' and letter = w", 0.001,
            new TagContainsFilter("tags", "top10k") & new EqualFilter("letter", "w"),
            row => labels.Ranks[row] < 10_000 && labels.Letter(row) == "w"),
    ];

    /// <summary>A row's fields: its band, first letter, tags (its frequency tier and "letter:x") and the word (stored only).</summary>
    public static object?[] ValuesOf(GloveLabels labels, long row)
    {
        int rank = labels.Ranks[row];
        string tier = rank < 1_000 ? "top1k" : rank < 10_000 ? "top10k" : rank < 100_000 ? "top100k" : "rare";
        string[] tags = rank < 1_000 ? ["top1k", "top10k", "top100k"] : rank < 10_000 ? ["top10k", "top100k"] : [tier];
        return [labels.Band(row), labels.Letter(row), (string[])[.. tags, "letter:" + labels.Letter(row)], labels.Words[row]];
    }

    private static VectorIndex OpenOrBuild(Dataset data, GloveLabels labels, FilteredOptions options, TextWriter log)
    {
        string directory = Path.Combine(options.CacheDirectory, "indexes", "glove-100", "engine-fields");
        if (options.Rebuild || !ManifestStore.Exists(directory) || ManifestStore.Read(directory).Schema?.SameAs(Schema) != true)
        {
            log.WriteLine($"  building the fielded index in {directory}...");
            var clock = Stopwatch.StartNew();
            var source = new FieldedVectorSource(new VectorFileSource(data.BaseFile), Schema, row => ValuesOf(labels, row));
            IndexBuilder.Build(source, directory, new IndexBuildOptions { Threads = options.Threads });
            log.WriteLine($"  built in {clock.Elapsed.TotalSeconds:F1} s");
        }

        return VectorIndex.Open(directory);
    }

    private static IEnumerable<FilteredRow> Measure(
        FilterCase filter,
        Dataset data,
        GloveLabels labels,
        VectorIndex index,
        SearchParameters parameters,
        FilteredOptions options,
        TextWriter log)
    {
        int n = data.QueryCount;
        Timed exact = Time(options.Repeats, () => ExactFiltered(filter, data, options.Threads));
        long kept = Enumerable.Range(0, (int)data.Count).LongCount(r => filter.Keeps(r));
        double share = (double)kept / data.Count;
        log.WriteLine($"[{filter.Name}] keeps {kept:N0} rows ({share:P2})");
        FilterPlan plan = index.Match(filter.Filter);
        if (plan.Total != kept)
        {
            throw new InvalidOperationException($"the engine's filter keeps {plan.Total} rows, the labels {kept}.");
        }

        FilteredRow Row(string method, Timed run, string note) =>
            new(filter.Name, share, method, Recall.AtK(run.Answers, exact.Answers, K), n / run.Wall, n / run.Cpu, note);

        Timed engine = Time(options.Repeats, () => index.SearchBatch(data.UnitQueries, K, filter.Filter, parameters, options.Threads));
        long wrong = engine.Answers.SelectMany(a => a).LongCount(hit => !filter.Keeps(hit.Id));
        if (wrong > 0)
        {
            throw new InvalidOperationException($"the engine returned {wrong} hits that fail '{filter.Name}'.");
        }

        yield return Row("in-scan (engine)", engine, share < index.ExactBelowSelectivity(parameters) ? "exact scan of matches" : "widened probes");

        // Each plan forced, for the decision note's threshold.
        foreach (FilterStrategy strategy in new[] { FilterStrategy.Probe, FilterStrategy.Exact })
        {
            Timed forced = Time(options.Repeats, () => index.SearchBatch(data.UnitQueries, K, filter.Filter, parameters, options.Threads, strategy));
            yield return Row(
                $"engine, {strategy.ToString().ToLowerInvariant()} forced",
                forced,
                strategy == FilterStrategy.Probe ? "widened probes" : "exact scan of matches");
        }

        int wide = (int)Math.Min(data.Count, Math.Ceiling(2.0 * K / Math.Max(share, 1e-9)));
        Timed post = Time(options.Repeats, () =>
            [.. index.SearchBatch(data.UnitQueries, wide, parameters, options.Threads)
                .Select(a => a.Where(h => filter.Keeps(h.Id)).Take(K).ToArray())]);
        yield return Row("post-filter", post, $"k' = {wide:N0}");
        yield return Row("exact filtered", exact, "batched exact over the matches");
    }

    /// <summary>
    /// Exact filtered search as a user would run it with the project's exact baseline: the predicate over every row, the
    /// passing unit rows gathered into a file, the batched exact search over it, and the ids mapped back. All timed.
    /// </summary>
    private static Neighbor[][] ExactFiltered(FilterCase filter, Dataset data, int threads)
    {
        int d = data.Dimensions;
        int[] rows = [.. Enumerable.Range(0, (int)data.Count).Where(r => filter.Keeps(r))];
        string path = Path.Combine(Path.GetTempPath(), $"hyperd-filtered-{Environment.ProcessId}.f32");
        try
        {
            using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                foreach (int row in rows)
                {
                    stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.UnitBase.Rows(row, 1)));
                }
            }

            using var matches = UnitBase.Open(path, d);
            Neighbor[][] answers = BatchedExactSearch.Search(matches, data.UnitQueries, K, threads);
            return [.. answers.Select(a => a.Select(h => new Neighbor(rows[h.Id], h.Score)).ToArray())];
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Runs <paramref name="search"/> once to warm up, then <paramref name="repeats"/> times: the last answers and the median
    /// wall and process CPU seconds (CPU time is what a machine shared with other work still measures fairly).
    /// </summary>
    private static Timed Time(int repeats, Func<Neighbor[][]> search)
    {
        Neighbor[][] answers = search();
        var wall = new List<double>();
        var cpu = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            double cpuStart = CpuClock.ProcessSeconds();
            answers = search();
            cpu.Add(CpuClock.ProcessSeconds() - cpuStart);
            wall.Add(clock.Elapsed.TotalSeconds);
        }

        return new Timed(answers, wall.Order().ElementAt(repeats / 2), Math.Max(1e-9, cpu.Order().ElementAt(repeats / 2)));
    }

    private sealed record Timed(Neighbor[][] Answers, double Wall, double Cpu);
}
