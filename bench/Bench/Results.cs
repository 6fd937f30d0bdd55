using System.Text.Json.Serialization;

namespace HyperdOrleans.Bench;

/// <summary>Everything one run measured; serialised to results.json beside the report.</summary>
public sealed class BenchResults
{
    public required MachineInfo Machine { get; init; }

    public required string Suite { get; init; }

    public required string CommandLine { get; init; }

    public required string Commit { get; init; }

    public required DateTimeOffset StartedUtc { get; init; }

    public double Seconds { get; set; }

    public int Threads { get; init; }

    /// <summary>"wall" or "cpu": which speed the charts and the best-setting table use.</summary>
    public string Clock { get; init; } = "wall";

    /// <summary>The 1-minute load average when the run started and ended: other processes sharing the cores skew timings.</summary>
    public string LoadAverage { get; set; } = "";

    public List<DatasetResult> Datasets { get; } = [];

    /// <summary>Notes for the report: skipped methods, peer caveats (FAISS build, BLAS loaded, USearch SIMD).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>The runs folded into these results (one, unless later runs were merged in with <c>--append</c>).</summary>
    public List<RunStage> Stages { get; } = [];
}

/// <summary>One invocation's part of a report: what was run, on which commit, and how loaded the machine was.</summary>
public sealed record RunStage(
    string CommandLine,
    string Commit,
    DateTimeOffset StartedUtc,
    double Seconds,
    string LoadAverage,
    string Datasets,
    string Methods)
{
    public static RunStage Of(BenchResults run) => new(
        run.CommandLine,
        run.Commit,
        run.StartedUtc,
        run.Seconds,
        run.LoadAverage,
        string.Join(", ", run.Datasets.Select(d => d.Name)),
        string.Join(", ", run.Datasets.SelectMany(d => d.Builds.Select(b => b.Method).Concat(d.Points.Select(p => p.Method))).Distinct()));
}

public sealed class DatasetResult
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required long Count { get; init; }

    public required int Dimensions { get; init; }

    public required int Queries { get; init; }

    public required int GroundTruthK { get; init; }

    /// <summary>The base's raw float32 vectors, the yardstick of every memory ratio.</summary>
    [JsonIgnore]
    public long RawBytes => Count * Dimensions * sizeof(float);

    /// <summary>Single-thread scan of the unit base with one query (TensorPrimitives.Dot per row), GB/s.</summary>
    public double ExactScanGBps { get; set; }

    public List<BuildResult> Builds { get; } = [];

    public List<SearchPoint> Points { get; } = [];

    public List<CourseScoreResult> CourseScores { get; } = [];

    public List<SearchMemoryResult> SearchMemory { get; } = [];

    public List<TuningSummary> Tunings { get; } = [];

    public List<FirstCallResult> FirstCalls { get; } = [];

    public List<string> Notes { get; } = [];
}

/// <summary>
/// Queries answered in the first second after a fresh index open (engine) or silo start and build (cluster), one
/// client sending batches, against the same measure once warm. <see cref="FreshProcess"/> is false when an earlier
/// method had already searched in the process (its compiled code then flatters the first second).
/// </summary>
public sealed record FirstCallResult(string Method, double FirstSecondQueriesPerSecond, double SteadyQueriesPerSecond, int Batch, bool FreshProcess)
{
    [JsonIgnore]
    public double Ratio => FirstSecondQueriesPerSecond / SteadyQueriesPerSecond;
}

public sealed record BuildResult
{
    public required string Method { get; init; }

    public required long Count { get; init; }

    public required int Threads { get; init; }

    /// <summary>Total clusters (IVF methods), 0 otherwise.</summary>
    public int Clusters { get; init; }

    public required double Seconds { get; init; }

    /// <summary>CPU seconds the build consumed (all threads).</summary>
    public double CpuSeconds { get; init; } = double.NaN;

    /// <summary>Peak anonymous resident memory (heap, buffers) during the build, sampled from /proc status.</summary>
    public required long PeakRssAnonBytes { get; init; }

    /// <summary>RssAnon just before the build started (the harness's own share of the peak).</summary>
    public long BaselineRssAnonBytes { get; init; }

    /// <summary>Peak resident set (VmHWM): also counts pages of memory-mapped and page-cached files the process touched.</summary>
    public required long PeakHwmBytes { get; init; }

    /// <summary>Bytes the built index occupies on disk (0 for in-memory peers).</summary>
    public long IndexBytes { get; init; }

    /// <summary>Bytes the index holds in memory when the peer reports it (USearch memory usage), else 0.</summary>
    public long MemoryBytes { get; init; }

    public required long RawBytes { get; init; }

    public string Note { get; init; } = "";
}

/// <summary>One setting of one method: recall and speed.</summary>
public sealed record SearchPoint
{
    public required string Method { get; init; }

    public required string Setting { get; init; }

    public int LshProbes { get; init; }

    public int NProbe { get; init; }

    public int Ef { get; init; }

    public required double RecallAt10 { get; init; }

    /// <summary>NaN when the method was not asked for 100 neighbours.</summary>
    public double RecallAt100 { get; init; } = double.NaN;

    /// <summary>Queries per second of a batched k=10 search over every query, on the run's threads.</summary>
    public required double QueriesPerSecond { get; init; }

    public double QueriesPerSecondAt100 { get; init; } = double.NaN;

    /// <summary>The k=10 batch's queries per CPU-second of the process (all its threads): per-core speed, immune to other load.</summary>
    public double QueriesPerCpuSecond { get; init; } = double.NaN;

    /// <summary>CPU milliseconds of one query searched alone (k=10, one thread).</summary>
    public double CpuP50Ms { get; init; } = double.NaN;

    public double CpuP99Ms { get; init; } = double.NaN;

    /// <summary>Latency of one query searched alone (k=10, one thread), milliseconds.</summary>
    public double LatencyP50Ms { get; init; } = double.NaN;

    public double LatencyP99Ms { get; init; } = double.NaN;

    public int Queries { get; init; }

    /// <summary>Engine methods: bytes of list data (float32 rows or SQ8 codes, plus re-ranked rows) read per query at k=10.</summary>
    public double BytesPerQuery { get; init; } = double.NaN;
}

/// <summary>
/// A method's memory while it answered the sweep: its own memory (RssAnon) at its peak and, settled by a full
/// collection, with the index still open (<see cref="HeldRssAnonBytes"/>; null in results written before it was
/// measured), both against the settled baseline before the index was opened; and the resident pages of mapped files
/// (RssFile) against the index's size on disk.
/// </summary>
public sealed record SearchMemoryResult(
    string Method,
    long BaselineRssAnonBytes,
    long PeakRssAnonBytes,
    long RssFileBytes,
    long IndexBytes,
    long? HeldRssAnonBytes = null)
{
    /// <summary>The sweep's peak over the baseline.</summary>
    [JsonIgnore]
    public long PeakOverBaselineBytes => Math.Max(0, PeakRssAnonBytes - BaselineRssAnonBytes);

    /// <summary>What the open index keeps over the baseline once settled; null where it was not measured.</summary>
    [JsonIgnore]
    public long? HeldOverBaselineBytes => HeldRssAnonBytes is long held ? Math.Max(0, held - BaselineRssAnonBytes) : null;

    /// <summary>The held memory (the peak where none was measured) plus every byte of the index files, against <paramref name="rawBytes"/>.</summary>
    public double ResidentOverRaw(long rawBytes) => (double)((HeldOverBaselineBytes ?? PeakOverBaselineBytes) + IndexBytes) / rawBytes;
}

/// <summary>
/// <c>hyperd tune</c>'s choice for a data set's engine index (recall@10 target on held-out rows of the index) and what
/// that setting reaches on the data set's real queries.
/// </summary>
public sealed record TuningSummary(
    string Method,
    double Target,
    int Sample,
    bool Reached,
    int LshProbes,
    int NProbe,
    double SampleRecall,
    double QueryRecall,
    double DotsPerQuery,
    double QueriesPerSecond,
    double TuneSeconds);

public sealed record CourseScoreResult(string Method, int LshProbes, int NProbe, int K, int Queries, double Score, double RecallAt10);

public sealed record MachineInfo(string CpuModel, int Cores, long MemoryBytes, string Os, string Runtime, string Simd)
{
    /// <summary>The 1-, 5- and 15-minute load averages (Linux), or empty.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public static MachineInfo Current()
    {
        string cpu = ReadField("/proc/cpuinfo", "model name") ?? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        long memory = 0;
        if (ReadField("/proc/meminfo", "MemTotal") is string total)
        {
            memory = long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }

        string simd = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512 (Vector512 accelerated)"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "AVX2 (Vector256)" : "128-bit or none";
        return new MachineInfo(cpu, Environment.ProcessorCount, memory, System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription, simd);
    }

    private static string? ReadField(string path, string field)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (string line in File.ReadLines(path))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == field)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }
}
