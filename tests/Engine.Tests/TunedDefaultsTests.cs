using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Engine.Tuning;

namespace HyperdOrleans.Engine.Tests;

/// <summary>Recording a tuned setting: the manifest's defaults change (and verify), searches use them, builds keep them.</summary>
[Collection(TunedIndexCollection.Name)]
public sealed class TunedDefaultsTests(TunedIndexFixture fixture)
{
    private static readonly DateTimeOffset When = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void RecordedDefaultsAreWhatTheIndexOpensWith()
    {
        string copy = fixture.CopyIndex("record");
        TuningResult result = fixture.Result with { IndexDirectory = copy };

        TunedDefaults.Record(result, When);

        IndexManifest manifest = ManifestStore.Read(copy); // verifies the recomputed checksum
        Assert.Equal(new SearchDefaults(result.Chosen.LshProbes, result.Chosen.NProbe), manifest.Defaults);
        Assert.Equal(
            new TuningManifest(
                manifest.Generation,
                TunedIndexFixture.Target,
                TunedIndexFixture.K,
                1000,
                result.Chosen.Recall,
                result.Chosen.DotsPerQuery,
                When),
            manifest.Tuning);
        using VectorIndex index = VectorIndex.Open(copy, verify: true);
        Assert.Equal(result.Chosen.Parameters, index.DefaultParameters);

        // Only the defaults and the record changed.
        IndexManifest before = ManifestStore.Read(fixture.IndexDirectory);
        Assert.Equal(before.Buckets, manifest.Buckets);
        Assert.Equal(before.Generation, manifest.Generation);
        Assert.NotEqual(before.Defaults, manifest.Defaults);
    }

    [Fact]
    public void ARebuildKeepsTheTunedDefaultsAndSaysWhichGenerationWasTuned()
    {
        string copy = fixture.CopyIndex("rebuild");
        TunedDefaults.Record(fixture.Result with { IndexDirectory = copy }, When);

        IndexManifest rebuilt = IndexBuilder.Build(new VectorFileSource(fixture.Base), copy, TunedIndexFixture.BuildOptions);

        Assert.Equal(new SearchDefaults(fixture.Result.Chosen.LshProbes, fixture.Result.Chosen.NProbe), rebuilt.Defaults);
        Assert.Equal(fixture.Result.Generation, rebuilt.Tuning!.Generation);
        Assert.True(rebuilt.Generation > rebuilt.Tuning.Generation);
        Assert.Equal(rebuilt.Tuning, ManifestStore.Read(copy).Tuning);
    }

    [Fact]
    public void NothingIsRecordedIfABuildSwitchedGenerationsMeanwhile()
    {
        string copy = fixture.CopyIndex("switched");
        byte[] before = File.ReadAllBytes(ManifestStore.PathIn(copy));

        var error = Assert.Throws<IOException>(() => TunedDefaults.Record(
            fixture.Result with { IndexDirectory = copy, Generation = fixture.Result.Generation + 1 },
            When));

        Assert.Contains("tune it again", error.Message);
        Assert.Equal(before, File.ReadAllBytes(ManifestStore.PathIn(copy)));
    }

    [Fact]
    public void RecordingIsRefusedWhileABuildRuns()
    {
        string copy = fixture.CopyIndex("locked");
        byte[] before = File.ReadAllBytes(ManifestStore.PathIn(copy));

        using (BuildLock.Acquire(copy))
        {
            var error = Assert.Throws<IOException>(() => TunedDefaults.Record(fixture.Result with { IndexDirectory = copy }, When));
            Assert.Contains("Another build", error.Message);
        }

        Assert.Equal(before, File.ReadAllBytes(ManifestStore.PathIn(copy)));
        TunedDefaults.Record(fixture.Result with { IndexDirectory = copy }, When);
        Assert.NotNull(ManifestStore.Read(copy).Tuning);
    }

    [Theory]
    [InlineData(1.01)]
    [InlineData(0.0)]
    [InlineData(double.NaN)]
    public void AnImpossibleTargetIsRefusedBeforeAnyWork(double target)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ProbeTuner.Tune(fixture.Index, new TuningOptions { TargetRecall = target }));

        Assert.Contains("target recall must be more than 0 and at most 1", error.Message);
    }

    [Fact]
    public void AnUnreachedTargetPicksTheBestRecallAndCannotBeRecorded()
    {
        // One cluster per bucket cannot find every true neighbour: recall 1 is out of reach.
        TuningResult result = ProbeTuner.Tune(fixture.Index, new TuningOptions { TargetRecall = 1.0, SampleSize = 200, NProbes = [1], Threads = 2 });

        Assert.False(result.Reached);
        Assert.Equal(result.Curve.Max(p => p.Recall), result.Chosen.Recall);
        Assert.True(result.Chosen.Recall < 1.0);
        var error = Assert.Throws<InvalidOperationException>(
            () => TunedDefaults.Record(result with { IndexDirectory = fixture.CopyIndex("unreached") }, When));
        Assert.Contains("not reached", error.Message);
    }

    [Fact]
    public void OlderManifestsWithoutATuningRecordStillRead()
    {
        IndexManifest manifest = ManifestStore.Read(fixture.IndexDirectory);

        Assert.Null(manifest.Tuning);
        Assert.Equal(new SearchDefaults(SearchParameters.DefaultLshProbes, SearchParameters.DefaultNProbe), manifest.Defaults);
    }
}
