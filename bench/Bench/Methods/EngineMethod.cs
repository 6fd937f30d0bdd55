using System.Diagnostics;
using System.Text.Json;
using HyperdOrleans.Bench.Data;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Engine;
using HyperdOrleans.Evaluation.Diagnostics;
using HyperdOrleans.Evaluation.Measure;
using HyperdOrleans.Evaluation.Quality;

namespace HyperdOrleans.Bench.Methods;

/// <summary>
/// Our engine: built from the data set's .fvecs with the LSH level on (8 buckets × up to 1000 clusters, their share
/// of 4·√N) or off (one bucket holding the same total clusters), then swept over lshProbes × nprobe, and scored with the course
/// score at the seed's two published settings. <c>engine-sq8</c> is the LSH engine built with SQ8 storage and
/// <c>engine-random-planes</c> the LSH engine with random instead of principal hyperplanes, both swept over the
/// same grid; <c>engine-per-bucket</c> searches the engine's index with nprobe clusters in each probed bucket instead of
/// one shared budget; all record the bytes their scan reads per query.
/// </summary>
internal sealed class EngineMethod(BenchOptions options, Dataset data, DatasetResult result, TextWriter log)
{
    public const int ClustersPerBucket = 1000;

    public void Run(
        bool lsh,
        VectorStorage storage = VectorStorage.Float32,
        LshPlanes planes = LshPlanes.Principal,
        ProbeBudget budget = ProbeBudget.Shared)
    {
        bool sq8 = storage == VectorStorage.Sq8;
        bool perBucket = budget == ProbeBudget.PerBucket;
        string method = sq8 ? MethodNames.EngineSq8
            : !lsh ? MethodNames.EngineNoLsh
            : planes == LshPlanes.Random ? MethodNames.EngineRandomPlanes
            : perBucket ? MethodNames.EnginePerBucket
            : MethodNames.Engine;

        // The per-bucket rule searches the engine's own index: only the search differs.
        string directory = Path.Combine(options.CacheDirectory, "indexes", data.Name, perBucket ? MethodNames.Engine : method);
        IndexBuildOptions build = new()
        {
            Clusters = lsh ? ClustersPerBucket : ClustersPerBucket * 8,
            Threads = options.Threads,
            Seed = DatasetCatalog.Seed,
            LshEnabled = lsh,
            LshPlanes = planes,
            Storage = storage,
        };

        // Build time against parallel bucket jobs: extra builds first, the run's own thread count last (that one is searched).
        if (method == MethodNames.Engine)
        {
            foreach (int threads in options.BuildThreads.Where(t => t != options.Threads))
            {
                result.Builds.Add(Build(method, directory, build with { Threads = threads }, options.ReuseIndexes));
            }
        }

        BuildResult built = Build(perBucket ? MethodNames.Engine : method, directory, build, options.ReuseIndexes || perBucket);
        if (!perBucket)
        {
            result.Builds.Add(built);
        }

        if (method == MethodNames.Engine)
        {
            FirstCall(directory, budget);
        }

        // Settled before and after: the difference is what the open index keeps, not the garbage of earlier work, nor
        // the compiled search code the runtime keeps once a process has searched (the first method would pay for it).
        WarmUp(directory, lsh, budget);
        SettledMemory.RssAnonBytes();
        using var memory = new PeakMemorySampler();
        using VectorIndex index = VectorIndex.Open(directory, verify: false);
        IEnumerable<(int L, int P)> grid = lsh
            ? options.LshProbes.SelectMany(l => options.NProbes.Select(p => (l, p)))
            : options.FlatNProbes.Where(p => p <= index.Manifest.Buckets.Sum(b => b.Clusters)).Select(p => (1, p));
        foreach ((int l, int p) in grid)
        {
            var parameters = new SearchParameters(l, p, Budget: budget);

            // Bytes scanned are counted on the timed k=10 search of every query (the counters run either way), not by a search of its own.
            var stats = new SearchStats();
            SearchPoint point = SearchMeasure.Run(
                data,
                method,
                lsh ? $"lshProbes={l}, nprobe={p}" : $"nprobe={p}",
                (count, k) => index.SearchBatch(
                    data.Queries.AsSpan(0, count * data.Dimensions),
                    k,
                    parameters,
                    options.Threads,
                    count == data.QueryCount && k == 10 ? stats : null),
                (q, k) => index.Search(data.Queries.AsSpan(q * data.Dimensions, data.Dimensions), k, parameters),
                options.LatencyQueries);
            point = point with { LshProbes = l, NProbe = p, BytesPerQuery = stats.BytesPerQuery };
            result.Points.Add(point);
            log.WriteLine($"  {method,-13} {point.Setting,-26} recall@10 {point.RecallAt10:F4}  recall@100 {point.RecallAt100:F4}  "
                + $"{point.QueriesPerSecond,9:F0} q/s ({point.QueriesPerCpuSecond:F0} per CPU-s)  p50 {point.LatencyP50Ms:F3} ms");
        }

        ProcessMemory end = memory.Sample();
        long searchPeak = memory.PeakRssAnonBytes ?? 0;
        long held = SettledMemory.RssAnonBytes();
        long baseline = memory.Baseline.RssAnonBytes;
        result.SearchMemory.Add(new SearchMemoryResult(
            method,
            baseline,
            searchPeak,
            end.ResidentFileBytes,
            SearchMeasure.DirectoryBytes(directory),
            held));
        log.WriteLine($"  {method}: searching peaked at {(searchPeak - baseline) / 1e6:F0} MB of own memory over the baseline and holds "
            + $"{(held - baseline) / 1e6:F0} MB with the index open; mapped pages resident {end.ResidentFileBytes / 1e6:F0} MB");
        if (method == MethodNames.Engine)
        {
            CourseScores(index);
            EngineTuning.Run(index, options, data, result, log);
        }
    }

    /// <summary>The first second after a fresh open, before <see cref="WarmUp"/> compiles the search path, against steady state.</summary>
    private void FirstCall(string directory, ProbeBudget budget)
    {
        bool fresh = FirstCalls.TakeFresh();
        using VectorIndex index = VectorIndex.Open(directory, verify: false);
        var parameters = index.DefaultParameters with { Budget = budget };
        var load = new ConcurrentLoad(data.Queries, data.Dimensions, FirstCalls.Batch);
        FirstCallSpeed speed = FirstSecond.MeasureAsync(
            load,
            rows => Task.FromResult(index.SearchBatch(rows, 10, parameters, options.Threads)),
            FirstCalls.Batch)
            .GetAwaiter().GetResult();
        FirstCalls.Record(result, method: MethodNames.Engine, speed, fresh, log);
    }

    /// <summary>
    /// Opens the index, answers a batch and one query at a few probes, and closes it again: the runtime compiles the
    /// search path (and its faster tier for what runs hot) before the held figure's baseline is taken.
    /// </summary>
    private void WarmUp(string directory, bool lsh, ProbeBudget budget)
    {
        using VectorIndex index = VectorIndex.Open(directory, verify: false);
        int n = Math.Min(data.QueryCount, 500);
        SearchParameters[] settings = [new(lsh ? 2 : 1, 2, Budget: budget), new(lsh ? 8 : 1, 10, Budget: budget)];
        foreach (SearchParameters parameters in settings)
        {
            for (int round = 0; round < 3; round++)
            {
                index.SearchBatch(data.Queries.AsSpan(0, n * data.Dimensions), 10, parameters, options.Threads);
                index.Search(data.Queries.AsSpan(0, data.Dimensions), 10, parameters);
            }
        }
    }

    /// <summary>
    /// The course score at each published setting, over the first queries: one exact pass (the library's
    /// <see cref="ExactSearch"/>, streaming the base) ranks the answers of every setting at once. The settings are
    /// searched again here rather than kept from the sweep, so the sweep's settled memory holds no answers.
    /// </summary>
    private void CourseScores(VectorIndex index)
    {
        const int K = 10;
        int n = Math.Min(options.CourseQueries, data.QueryCount);
        var settings = options.CourseSettings.ToList();
        var approximate = new List<Neighbor[]>();
        var queries = new List<float>();
        foreach ((int l, int p) in settings)
        {
            Neighbor[][] answers = index.SearchBatch(data.Queries.AsSpan(0, n * data.Dimensions), K, new SearchParameters(l, p), options.Threads);
            approximate.AddRange(answers.Take(n));
            queries.AddRange(data.Queries.AsSpan(0, n * data.Dimensions).ToArray());
        }

        var clock = Stopwatch.StartNew();
        ExactSearch.Result exact = ExactSearch.Search(VectorFile.Open(data.BasePath), queries.ToArray(), K, options.Threads, [.. approximate]);
        log.WriteLine($"  course score: exact rank pass over {approximate.Count} answers in {clock.Elapsed.TotalSeconds:F1} s");
        for (int s = 0; s < settings.Count; s++)
        {
            Neighbor[][] answers = [.. approximate.Skip(s * n).Take(n)];
            long[][] positions = [.. exact.Positions!.Skip(s * n).Take(n)];
            double score = CourseScore.Mean(answers, positions, K, data.Count);
            double recall = Recall.AtK(answers, data.GroundTruth.Take(n).ToList(), K);
            result.CourseScores.Add(new CourseScoreResult(MethodNames.Engine, settings[s].LshProbes, settings[s].NProbe, K, n, score, recall));
            log.WriteLine($"  course score (lshProbes={settings[s].LshProbes}, nprobe={settings[s].NProbe}): {score:F2} over {n} queries (recall@10 "
                + $"{recall:F4})");
        }
    }

    private BuildResult Build(string method, string directory, IndexBuildOptions build, bool reuse)
    {
        // One record per thread count: builds are deterministic across thread counts, so one index on disk serves
        // every count, but each count's build time and memory are its own figures.
        string record = $"{directory}.build-{build.Threads}t.json";
        if (reuse && ManifestStore.Exists(directory) && File.Exists(record))
        {
            BuildResult? previous = JsonSerializer.Deserialize<BuildResult>(File.ReadAllText(record));
            if (previous is not null && previous.Count == data.Count && previous.Threads == build.Threads)
            {
                log.WriteLine($"  {method}: reusing the index in {directory} (built in {previous.Seconds:F1} s)");
                return previous with { Note = "reused: figures from the earlier build" };
            }
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        log.WriteLine($"  {method}: building ({build.Threads} threads, {build.DescribeClusters()}, LSH "
            + $"{(build.LshEnabled ? $"on, {build.LshPlanes} planes" : "off")}, storage {build.Storage})...");
        // Aggressive: also hands the heap's free pages back, so the baseline does not carry the last build's heap.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        ProcessMemory.TryResetPeak();
        IndexManifest manifest;
        BuildResult built;
        using (var sampler = new PeakMemorySampler())
        {
            var clock = Stopwatch.StartNew();
            double cpu = CpuClock.ProcessSeconds();
            manifest = IndexBuilder.Build(new VectorFileSource(VectorFile.Open(data.BasePath)), directory, build);
            double seconds = clock.Elapsed.TotalSeconds;
            double cpuSeconds = CpuClock.ProcessSeconds() - cpu;
            ProcessMemory end = sampler.Sample();
            built = new BuildResult
            {
                Method = method,
                Count = data.Count,
                Threads = build.Threads,
                Clusters = manifest.Buckets.Sum(b => b.Clusters),
                Seconds = seconds,
                CpuSeconds = cpuSeconds,
                PeakRssAnonBytes = sampler.PeakRssAnonBytes ?? 0,
                BaselineRssAnonBytes = sampler.Baseline.RssAnonBytes,
                PeakHwmBytes = end.PeakResidentBytes,
                IndexBytes = SearchMeasure.DirectoryBytes(directory),
                RawBytes = data.RawBytes,
            };
        }

        log.WriteLine($"  {method}: built in {built.Seconds:F1} s ({built.CpuSeconds:F1} CPU-s), {built.Clusters} clusters, peak RssAnon "
            + $"{built.PeakRssAnonBytes / 1e6:F0} MB (baseline {built.BaselineRssAnonBytes / 1e6:F0} MB), VmHWM {built.PeakHwmBytes / 1e6:F0} MB, "
            + $"{built.IndexBytes / 1e6:F0} MB on disk");
        File.WriteAllText(record, JsonSerializer.Serialize(built));
        return built;
    }
}
