using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Engine.Tuning;
using Xunit.Abstractions;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The tuner's choice: it reaches the target, generalises to unseen queries, is the cheapest, and its cost is counted exactly.</summary>
[Collection(TunedIndexCollection.Name)]
public sealed class ProbeTunerTests(TunedIndexFixture fixture, ITestOutputHelper output)
{
    private const int K = TunedIndexFixture.K;

    private TuningResult Result => fixture.Result;

    [Fact]
    public void ChosenSettingReachesTheTargetOnTheSampleAndOnSeparateQueries()
    {
        foreach (TuningPoint point in Result.Curve)
        {
            output.WriteLine($"{point.LshProbes} {point.NProbe,4} recall {point.Recall:F4} dots {point.DotsPerQuery,9:F0}");
        }

        Neighbor[][] answers = fixture.Index.SearchBatch(fixture.Queries, K, Result.Chosen.Parameters);
        double heldOut = Recall.AtK(answers, fixture.Exact, K);
        output.WriteLine($"chosen {Result.Chosen}; recall on separate queries {heldOut:F4}");

        Assert.True(Result.Reached);
        Assert.Equal(1000, Result.SampleSize);
        Assert.True(Result.Chosen.Recall >= TunedIndexFixture.Target, $"sample recall {Result.Chosen.Recall:F4}");
        Assert.True(heldOut >= TunedIndexFixture.Target - 0.03, $"recall {heldOut:F4} on separate queries at {Result.Chosen.Parameters}");

        // The data must make the choice non-trivial: the cheapest setting of all misses the target.
        Assert.True(Result.Curve[0].Recall < TunedIndexFixture.Target, $"(1, 1) already reaches {Result.Curve[0].Recall:F4}");
    }

    [Fact]
    public void ChosenSettingIsTheCheapestThatReachesTheTarget()
    {
        TuningPoint[] reaching = [.. Result.Curve.Where(p => p.Reaches(TunedIndexFixture.Target))];

        Assert.Contains(Result.Chosen, Result.Curve);
        Assert.All(reaching, p => Assert.True(p.DotsPerQuery >= Result.Chosen.DotsPerQuery, $"{p} is cheaper than the chosen {Result.Chosen}"));
        Assert.True(reaching.Select(p => p.LshProbes).Distinct().Count() > 1, "the sweep covered one lshProbes value only");
    }

    [Fact]
    public void ChooseTakesTheCheapestAboveTheTargetOrElseTheBestRecall()
    {
        TuningPoint[] curve = [new(1, 10, 0.90, 500, 0), new(2, 5, 0.96, 900, 0), new(3, 2, 0.97, 800, 0), new(8, 200, 0.999, 9000, 0)];

        Assert.Equal((curve[2], true), ProbeTuner.Choose(curve, 0.95));
        Assert.Equal((curve[0], true), ProbeTuner.Choose(curve, 0.90));
        Assert.Equal((curve[3], false), ProbeTuner.Choose(curve, 0.9999));
    }

    [Fact]
    public void TheMarginLiftsTheTarget()
    {
        // The cheaper point's recall reaches 0.95 only before its margin is taken off.
        TuningPoint[] curve = [new(2, 3, 0.955, 700, 0, Margin: 0.008), new(3, 3, 0.965, 900, 0, Margin: 0.006)];

        Assert.Equal((curve[1], true), ProbeTuner.Choose(curve, 0.95));
        Assert.True(Result.Chosen.Margin > 0, $"a sample of rows of the index gave no margin: {Result.Chosen}");
        Assert.True(Result.Chosen.Recall - Result.Chosen.Margin >= TunedIndexFixture.Target, $"{Result.Chosen}");
    }

    [Fact]
    public void CurveStopsAlongNProbeOnceNothingFurtherCanBeChosen()
    {
        double cheapestReaching = double.PositiveInfinity;
        foreach (IGrouping<int, TuningPoint> row in Result.Curve.GroupBy(p => p.LshProbes))
        {
            TuningPoint[] points = [.. row];
            Assert.All(points[..^1], p => Assert.True(p.Recall < fixture.Options.SaturatedRecall, $"the sweep went on after {p}"));
            for (int i = 1; i < points.Length; i++)
            {
                Assert.True(
                    points[i].NProbe > points[i - 1].NProbe && points[i].Recall >= points[i - 1].Recall
                        && points[i].DotsPerQuery > points[i - 1].DotsPerQuery,
                    $"{points[i - 1]} then {points[i]}");
                Assert.True(
                    i == points.Length - 1 || points[i].Recall - points[i - 1].Recall >= fixture.Options.MinGain,
                    $"the sweep went on after a step that gained nothing: {points[i - 1]} then {points[i]}");
            }

            // Only a row's last point may reach the target or cost more than the cheapest point that reached it before.
            Assert.All(
                points[..^1],
                p => Assert.True(
                    !p.Reaches(Result.TargetRecall) && p.DotsPerQuery <= cheapestReaching,
                    $"the sweep went on after {p}, which could not be beaten further along its row"));

            // A row ends at the target, past the cheapest cost that reached it, at saturation, on a level stretch, or at the end of the grid.
            TuningPoint last = points[^1];
            bool levelled = points.Length > 1 && last.Recall - points[^2].Recall < fixture.Options.MinGain;
            Assert.True(
                last.Reaches(Result.TargetRecall) || last.DotsPerQuery > cheapestReaching || last.Recall >= fixture.Options.SaturatedRecall
                    || levelled || points.Length == TuningOptions.DefaultNProbes.Count(n => n < 64) + 1,
                $"row {row.Key} stopped at {last}");
            cheapestReaching = Math.Min(
                cheapestReaching,
                points.Where(p => p.Reaches(Result.TargetRecall)).Select(p => p.DotsPerQuery).DefaultIfEmpty(double.PositiveInfinity).Min());
        }
    }

    [Fact]
    public void HeldOutQueriesNeverAnswerThemselves()
    {
        TuningSample sample = TuningSample.Create(fixture.IndexDirectory, fixture.Index.Manifest, 200, K, seed: 3, threads: 2);
        Neighbor[][] answers = fixture.Index.SearchBatch(sample.Rows, K + 1, new SearchParameters(8, 1000));

        Assert.Equal(200, sample.Ids.Distinct().Count());
        for (int q = 0; q < sample.Count; q++)
        {
            // The row is the base file's row of that id (ids are row numbers), so the sample is of the index's own rows.
            float[] row = TestVectors.Unit(fixture.Base.ReadRows(sample.Ids[q], 1), TunedIndexFixture.Dimensions);
            Assert.Equal(row, sample.Rows.AsSpan(q * TunedIndexFixture.Dimensions, TunedIndexFixture.Dimensions).ToArray());

            // Without the hold-out the query is its own best answer; with it, it is in neither answer.
            Assert.Equal(sample.Ids[q], answers[q][0].Id);
            Assert.Equal(K, sample.Exact[q].Length);
            Assert.DoesNotContain(sample.Ids[q], sample.Exact[q].Select(n => n.Id));
            Assert.DoesNotContain(sample.Ids[q], TuningSample.HoldOut(answers[q], sample.Ids[q], K).Select(n => n.Id));
        }

        // Probing everything gives the exact held-out answers.
        Neighbor[][] heldOut = [.. answers.Select((a, q) => TuningSample.HoldOut(a, sample.Ids[q], K))];
        Assert.Equal(1.0, Recall.AtK(heldOut, sample.Exact, K));
    }

    [Fact]
    public void SampleIsSeededAndUniformWithoutRepeats()
    {
        long[] first = TuningSample.Positions(1_000_000, 1000, seed: 5);

        Assert.Equal(first, TuningSample.Positions(1_000_000, 1000, seed: 5));
        Assert.NotEqual(first, TuningSample.Positions(1_000_000, 1000, seed: 6));
        Assert.Equal(1000, first.Distinct().Count());
        Assert.True(first.SequenceEqual(first.Order()));
        Assert.InRange(first.Average(), 450_000, 550_000);
        Assert.Equal([0, 1, 2, 3, 4], TuningSample.Positions(5, 5, seed: 1));
    }

    [Fact]
    public void CostCountsEveryCentroidAndEveryScannedRow()
    {
        IndexManifest manifest = fixture.Index.Manifest;
        const int Queries = 20;
        int d = TunedIndexFixture.Dimensions;

        // Everything probed: every centroid and every row, for every query.
        var all = new SearchStats();
        fixture.Index.SearchBatch(fixture.Queries.AsSpan(0, Queries * d), K, new SearchParameters(8, 1_000_000), threads: 2, all);
        Assert.Equal(Queries, all.Queries);
        Assert.Equal(manifest.Buckets.Sum(b => b.Clusters) + manifest.Count, all.DotProductsPerQuery);

        // One bucket, one cluster: that bucket's centroids and the one list the search scanned (its answers come from it).
        int checkedQueries = 0;
        for (int q = 0; q < Queries; q++)
        {
            ReadOnlySpan<float> query = fixture.Queries.AsSpan(q * d, d);
            var one = new SearchStats();
            Neighbor[] answer = fixture.Index.SearchBatch(query, K, new SearchParameters(1, 1), threads: 1, one)[0];
            int bucket = fixture.Index.Hasher.Hash(VectorIndex.PrepareQueries(query, d));
            InvertedListsOf(bucket, out int clusters, out Func<long, int> listSizeOf);
            int listSize = listSizeOf(answer[0].Id);
            if (listSize >= K)
            {
                // (A list shorter than k makes the search refill from more clusters: a different count.)
                Assert.Equal(clusters + listSize, one.DotProductsPerQuery);
                Assert.Equal(clusters, one.CentroidsScored);
                checkedQueries++;
            }
            else
            {
                Assert.True(one.DotProductsPerQuery > clusters + listSize, $"query {q}: a refill scans more than the first list");
            }
        }

        Assert.True(checkedQueries >= 15, $"only {checkedQueries} of 20 queries landed in a list of at least {K} rows");
    }

    [Fact]
    public void TuningWritesNothing()
    {
        Assert.Equal(fixture.ManifestBytes, File.ReadAllBytes(ManifestStore.PathIn(fixture.IndexDirectory)));
        Assert.Null(ManifestStore.Read(fixture.IndexDirectory).Tuning);

        // A manifest never tuned has no "tuning" field: older readers and checksums see the same bytes as before.
        Assert.DoesNotContain("\"tuning\"", System.Text.Encoding.UTF8.GetString(fixture.ManifestBytes));
    }

    private void InvertedListsOf(int bucket, out int clusters, out Func<long, int> listSizeOf)
    {
        Ivf.BucketIndex index = fixture.Index.Bucket(bucket)!;
        Ivf.InvertedLists lists = index.Lists;
        var sizes = new Dictionary<long, int>();
        for (int c = 0; c < lists.Clusters; c++)
        {
            foreach (long id in lists.Ids(c))
            {
                sizes[id] = lists.ListSize(c);
            }
        }

        clusters = index.Clusters;
        listSizeOf = id => sizes[id];
    }
}
