using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace HyperdOrleans.Grains.Telemetry;

/// <summary>
/// The grains' instruments on the Meter <c>HyperdOrleans</c>, so <c>dotnet-counters monitor -n Silo --counters HyperdOrleans</c>
/// or an OpenTelemetry meter provider sees them without code changes. One Meter per process: in-process test
/// clusters share it, which only sums their silos. Thread-safe.
/// </summary>
public static class HyperdMetrics
{
    public const string MeterName = "HyperdOrleans";

    private static readonly Meter Meter = new(MeterName, "1.0");
    private static readonly ConcurrentDictionary<(string Index, int Bucket), double> RebuildFraction = new();

    public static readonly Counter<long> Queries = Meter.CreateCounter<long>("hyperd.queries", "{query}", "Queries answered by search coordinators.");

    public static readonly Histogram<double> QueryDuration = Meter.CreateHistogram<double>(
        "hyperd.query.duration",
        "ms",
        "Time a coordinator spends on one search request (fan-out and merge).");

    public static readonly Counter<long> VectorsScanned = Meter.CreateCounter<long>(
        "hyperd.vectors.scanned",
        "{vector}",
        "Vectors scored by bucket grains (cluster rows and pending rows).");

    public static readonly UpDownCounter<long> PendingRows = Meter.CreateUpDownCounter<long>(
        "hyperd.pending.rows",
        "{vector}",
        "Appended vectors waiting in bucket grains for the next rebuild.");

    public static readonly Counter<long> Rebuilds = Meter.CreateCounter<long>("hyperd.rebuilds", "{rebuild}", "Finished rebuilds, tagged by "
        + "outcome.");

    static HyperdMetrics()
    {
        Meter.CreateObservableGauge(
            "hyperd.rebuild.progress",
            () => RebuildFraction.Select(p => new Measurement<double>(p.Value, new TagList { { "index", p.Key.Index }, { "bucket", p.Key.Bucket } })),
            "1",
            "Fraction done of each bucket's running build job.");
    }

    public static void ReportRebuildProgress(string index, int bucket, double fraction) => RebuildFraction[(index, bucket)] = fraction;

    public static void ClearRebuildProgress(string index)
    {
        foreach ((string Index, int Bucket) key in RebuildFraction.Keys.Where(k => k.Index == index))
        {
            RebuildFraction.TryRemove(key, out _);
        }
    }
}
