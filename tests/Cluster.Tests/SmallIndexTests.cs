using System.Diagnostics.Metrics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Grains.Telemetry;

namespace HyperdOrleans.Cluster.Tests;

[Collection(SharedClusterCollection.Name)]
public sealed class SmallIndexTests(SharedClusterFixture fixture)
{
    [Fact]
    public async Task QueriesGetKAnswersEvenWhenTheirProbesHoldFewer()
    {
        const string index = "tiny";
        var data = new TestData(fixture.Hyperd.Root, 300, seed: 11);
        IndexStatus status = await fixture.Hyperd.BuildAsync(index, data);
        Assert.Equal(300, status.Count);

        // One bucket, one cluster: about 300/8 vectors in reach, so most of the 200 come from the exhaustive pass.
        QueryResult result = await fixture.Hyperd.Client.SearchAsync(index, data.Query(0), 200, new SearchOptions(LshProbes: 1, NProbe: 1));
        Assert.Equal(200, result.Count);
        Assert.Equal(200, result.Ids.Distinct().Count());
        Assert.True(result.Scores.Zip(result.Scores.Skip(1)).All(p => p.First >= p.Second), "scores are not in descending order");
    }

    [Fact]
    public async Task SilosPublishQueryAndPendingMetrics()
    {
        const string index = "metrics";
        await fixture.Hyperd.BuildAsync(index, fixture.Data);
        long queries = 0;
        long pending = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == HyperdMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "hyperd.queries")
            {
                Interlocked.Add(ref queries, value);
            }
            else if (instrument.Name == "hyperd.pending.rows")
            {
                Interlocked.Add(ref pending, value);
            }
        });
        listener.Start();

        await fixture.Hyperd.Client.SearchRowsAsync(index, fixture.Data.Queries, 10);
        await fixture.Hyperd.Client.AppendAsync(index, [2_000_000, 2_000_001], [.. fixture.Data.ExtraRow(0), .. fixture.Data.ExtraRow(1)]);

        Assert.Equal(64, Interlocked.Read(ref queries));
        Assert.Equal(2, Interlocked.Read(ref pending));
    }
}
