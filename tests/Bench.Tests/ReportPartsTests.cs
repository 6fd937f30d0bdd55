using System.Text;
using HyperdOrleans.Bench.Report;
using Xunit;

namespace HyperdOrleans.Bench.Tests;

/// <summary>The report's reasoning parts: folding staged runs together, and naming who wins each column.</summary>
public sealed class ReportPartsTests
{
    [Fact]
    public void AppendReplacesOnlyTheMethodsRunNowAndKeepsEveryStage()
    {
        BenchResults earlier = Run(
            "first",
            Set("uniform-1m", 1000, Point("engine", 0.9, 100), Point("usearch", 0.95, 50)),
            Set("glove-100", 500, Point("engine", 0.8, 10)));
        BenchResults now = Run("second", Set("uniform-1m", 1000, Point("engine", 0.97, 300)), Set("uniform-20m", 500, Point("engine", 0.5, 5)));

        BenchResults merged = ResultsMerge.Merge(earlier, now, ["engine"]);

        DatasetResult oneM = merged.Datasets.Single(d => d.Name == "uniform-1m");
        Assert.Equal(0.97, oneM.Points.Single(p => p.Method == "engine").RecallAt10);
        Assert.Equal(50, oneM.Points.Single(p => p.Method == "usearch").QueriesPerSecond);
        Assert.Equal(10, merged.Datasets.Single(d => d.Name == "glove-100").Points.Single().QueriesPerSecond);
        Assert.Single(merged.Datasets, d => d.Name == "uniform-20m");
        Assert.Equal(["first", "second"], merged.Stages.Select(s => s.CommandLine));
    }

    [Fact]
    public void AReusedBuildKeepsTheEarlierRunsBuildRecords()
    {
        BenchResults earlier = Run("first", Set("uniform-20m", 500));
        earlier.Datasets[0].Builds.AddRange([Build("engine", 1, 600, ""), Build("engine", 2, 330, "")]);
        BenchResults now = Run("second", Set("uniform-20m", 500, Point("engine", 0.9, 50)));
        now.Datasets[0].Builds.Add(Build("engine", 2, 330, "reused: figures from the earlier build"));
        now.Datasets[0].Builds.Add(Build("engine-sq8", 2, 400, ""));

        DatasetResult merged = ResultsMerge.Merge(earlier, now, ["engine", "engine-sq8"]).Datasets.Single();

        Assert.Equal([(1, ""), (2, "")], merged.Builds.Where(b => b.Method == "engine").Select(b => (b.Threads, b.Note)));
        Assert.Single(merged.Builds, b => b.Method == "engine-sq8");
        Assert.Equal(0.9, Assert.Single(merged.Points).RecallAt10);
    }

    [Fact]
    public void AppendDropsEarlierFiguresMeasuredWithOtherQueries()
    {
        BenchResults earlier = Run("first", Set("uniform-1m", 1000, Point("usearch", 0.95, 50)));
        BenchResults now = Run("second", Set("uniform-1m", 2000, Point("engine", 0.97, 300)));

        DatasetResult merged = ResultsMerge.Merge(earlier, now, ["engine"]).Datasets.Single();

        Assert.Equal(["engine"], merged.Points.Select(p => p.Method));
    }

    [Fact]
    public void APeerThatBeatsTheEngineIsNamedWithItsReason()
    {
        DatasetResult data = Set(
            "glove-100",
            1000,
            Point("engine", 0.96, 2500),
            Point("usearch", 0.963, 3200),
            Point("engine-nolsh", 0.964, 7000),
            Point("faiss", 0.97, 1700));
        var md = new StringBuilder();

        Verdicts.Append(md, data, p => p.QueriesPerSecond, "q/s");

        string text = md.ToString();
        Assert.Contains("**usearch beats the engine**", text);
        Assert.Contains("HNSW walks a graph", text);
        Assert.Contains("Our engine-nolsh does beat it", text);
        Assert.DoesNotContain("faiss beats", text);
    }

    [Fact]
    public void AnEngineThatLeadsIsSaidToLead()
    {
        DatasetResult data = Set("clustered-1m", 1000, Point("engine", 0.96, 16000), Point("faiss", 0.99, 6000));
        var md = new StringBuilder();

        Verdicts.Append(md, data, p => p.QueriesPerSecond, "q/s");

        Assert.Contains("the engine leads the peers", md.ToString());
        Assert.DoesNotContain("beats the engine", md.ToString());
    }

    private static BenchResults Run(string command, params DatasetResult[] sets)
    {
        var run = new BenchResults
        {
            Machine = new MachineInfo("cpu", 2, 1, "os", "rt", "simd"),
            Suite = "full",
            CommandLine = command,
            Commit = "c",
            StartedUtc = DateTimeOffset.UnixEpoch,
        };
        run.Datasets.AddRange(sets);
        run.Stages.Add(RunStage.Of(run));
        return run;
    }

    private static DatasetResult Set(string name, int queries, params SearchPoint[] points)
    {
        var data = new DatasetResult { Name = name, Description = name, Count = 1_000_000, Dimensions = 70, Queries = queries, GroundTruthK = 100 };
        data.Points.AddRange(points);
        return data;
    }

    private static BuildResult Build(string method, int threads, double seconds, string note) =>
        new()
        {
            Method = method,
            Count = 20_000_000,
            Threads = threads,
            Seconds = seconds,
            PeakRssAnonBytes = 1,
            PeakHwmBytes = 1,
            RawBytes = 1,
            Note = note,
        };

    private static SearchPoint Point(string method, double recall, double qps) =>
        new() { Method = method, Setting = "s", RecallAt10 = recall, QueriesPerSecond = qps };
}
