using System.Text.Json;
using Xunit;

namespace HyperdOrleans.Bench.Tests;

/// <summary>
/// Runs the benchmark's smoke suite in-process into a temporary folder, so the benchmark code cannot rot. It checks
/// that the report and charts exist and hold sane values; it asserts nothing about speed.
/// </summary>
public sealed class SmokeSuiteTests : IDisposable
{
    private static readonly byte[] PngMagic = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hyperd-bench-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void SmokeSuiteWritesAReportWithChartsAndSaneNumbers()
    {
        BenchOptions options = BenchOptions.Parse(["--suite", "smoke", "--out", Path.Combine(_root, "out"), "--cache", Path.Combine(_root, "cache")]);

        string folder = BenchRunner.Run(options, TextWriter.Null);

        string report = File.ReadAllText(Path.Combine(folder, "report.md"));
        Assert.Contains("# HyperdOrleans benchmark: smoke suite", report, StringComparison.Ordinal);
        Assert.Contains("**Commit**", report, StringComparison.Ordinal);
        Assert.Contains("**Machine**", report, StringComparison.Ordinal);
        Assert.Contains("## clustered-20k: N = 20,000", report, StringComparison.Ordinal);
        Assert.Contains("### Course score", report, StringComparison.Ordinal);
        Assert.Contains("### Tuned defaults", report, StringComparison.Ordinal);
        foreach (string png in new[] { "recall-qps-clustered-20k.png", "build-time-vs-n.png", "build-memory-vs-n.png" })
        {
            string path = Path.Combine(folder, png);
            Assert.True(File.Exists(path), $"{png} was not written");
            byte[] bytes = File.ReadAllBytes(path);
            Assert.True(bytes.AsSpan().StartsWith(PngMagic), $"{png} is not a PNG");
            Assert.True(bytes.Length > 10_000, $"{png} has only {bytes.Length} bytes: an empty chart?");
            Assert.Contains($"]({png})", report, StringComparison.Ordinal);
        }

        using JsonDocument results = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json")));
        JsonElement data = Assert.Single(results.RootElement.GetProperty("Datasets").EnumerateArray());
        Assert.Equal(20_000, data.GetProperty("Count").GetInt64());
        JsonElement[] points = [.. data.GetProperty("Points").EnumerateArray()];
        Assert.Contains(points, p => p.GetProperty("Method").GetString() == "engine");
        Assert.Equal(2, points.Count(p => p.GetProperty("Method").GetString()!.StartsWith("exact", StringComparison.Ordinal)));
        foreach (JsonElement p in points)
        {
            double recall = p.GetProperty("RecallAt10").GetDouble();
            Assert.InRange(recall, 0.0, 1.0);
            Assert.True(p.GetProperty("QueriesPerSecond").GetDouble() > 0);
            if (p.GetProperty("Method").GetString()!.StartsWith("exact", StringComparison.Ordinal))
            {
                Assert.Equal(1.0, recall, 6);
            }
        }

        // The engine at its widest smoke setting finds most neighbours of clustered data (a sanity bound, not a target).
        Assert.Contains(points, p => p.GetProperty("Method").GetString() == "engine" && p.GetProperty("RecallAt10").GetDouble() > 0.8);
        JsonElement build = Assert.Single(data.GetProperty("Builds").EnumerateArray(), b => b.GetProperty("Method").GetString() == "engine");
        Assert.True(build.GetProperty("Seconds").GetDouble() > 0);
        Assert.True(build.GetProperty("IndexBytes").GetInt64() > build.GetProperty("RawBytes").GetInt64() * 0.9);
        Assert.Equal(2, data.GetProperty("CourseScores").GetArrayLength());

        // The tuned setting reaches its target on the index's own rows and comes close on the real queries.
        JsonElement tuning = Assert.Single(data.GetProperty("Tunings").EnumerateArray());
        Assert.True(tuning.GetProperty("Reached").GetBoolean());
        Assert.True(tuning.GetProperty("SampleRecall").GetDouble() >= 0.95);
        Assert.True(
            tuning.GetProperty("QueryRecall").GetDouble() >= 0.90,
            $"recall {tuning.GetProperty("QueryRecall").GetDouble()} on the queries at the tuned setting");

        // engine-sq8 sweeps the same grid: every point pairs with an engine point, reading fewer bytes per query.
        Assert.Contains("### Compact storage", report, StringComparison.Ordinal);
        JsonElement[] sq8 = [.. points.Where(p => p.GetProperty("Method").GetString() == "engine-sq8")];
        Assert.Equal(points.Count(p => p.GetProperty("Method").GetString() == "engine"), sq8.Length);
        foreach (JsonElement s in sq8)
        {
            JsonElement f = points.Single(p => p.GetProperty("Method").GetString() == "engine"
                && p.GetProperty("Setting").GetString() == s.GetProperty("Setting").GetString());
            Assert.True(
                s.GetProperty("BytesPerQuery").GetDouble() < f.GetProperty("BytesPerQuery").GetDouble() / 2,
                $"{s.GetProperty("Setting")}: sq8 reads {s.GetProperty("BytesPerQuery")} bytes/query, float32 {f.GetProperty("BytesPerQuery")}");
        }

        JsonElement sq8Build = Assert.Single(data.GetProperty("Builds").EnumerateArray(), b => b.GetProperty("Method").GetString() == "engine-sq8");
        Assert.True(sq8Build.GetProperty("IndexBytes").GetInt64() > build.GetProperty("IndexBytes").GetInt64() * 1.2);
        foreach (JsonElement score in data.GetProperty("CourseScores").EnumerateArray())
        {
            Assert.True(score.GetProperty("Score").GetDouble() <= 0);
        }

        // Every engine method's search memory: settled with its index open, which is less than the sweep's peak. (That
        // the engine maps its lists rather than loading them is an engine test: at 20k rows the runtime's own few MB
        // of native memory are as large as the index.)
        Assert.Contains("| method | held with the index open MB |", report, StringComparison.Ordinal);
        JsonElement[] memory = [.. data.GetProperty("SearchMemory").EnumerateArray()];
        Assert.Equal(
            points.Select(p => p.GetProperty("Method").GetString()).Where(m => m!.StartsWith("engine", StringComparison.Ordinal)).Distinct().Count(),
            memory.Length);
        foreach (JsonElement m in memory)
        {
            long held = m.GetProperty("HeldRssAnonBytes").GetInt64();
            Assert.InRange(held, 1, m.GetProperty("PeakRssAnonBytes").GetInt64() - 1);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
