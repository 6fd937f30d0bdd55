namespace HyperdOrleans.Cli.Measure;

/// <summary>
/// Samples RssAnon on a timer and keeps the maximum, because the kernel keeps a peak only for the whole
/// resident set (VmHWM), which mapped file pages inflate. Disposing stops the timer after one last sample.
/// </summary>
internal sealed class PeakMemorySampler : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private long _peakRssAnon = -1;

    public PeakMemorySampler()
    {
        ResetPeakSupported = ProcStatus.TryResetPeak();
        Sample();
        _timer = new Timer(_ => Sample(), null, Interval, Interval);
    }

    /// <summary>True when VmHWM was reset at the start, so it covers only what this sampler watched.</summary>
    public bool ResetPeakSupported { get; }

    /// <summary>Peak anonymous memory (bytes) seen so far, or null where /proc is not available.</summary>
    public long? PeakRssAnon
    {
        get
        {
            lock (_lock)
            {
                return _peakRssAnon < 0 ? null : _peakRssAnon;
            }
        }
    }

    private void Sample()
    {
        if (ProcStatus.RssAnon() is long value)
        {
            lock (_lock)
            {
                _peakRssAnon = Math.Max(_peakRssAnon, value);
            }
        }
    }

    /// <summary>Stops sampling (waiting for a sample in flight) and takes a last one. Safe to call twice.</summary>
    public void Dispose()
    {
        using var stopped = new ManualResetEvent(false);

        // Timer.Dispose(WaitHandle) returns false, and never signals, when the timer is already disposed.
        if (_timer.Dispose(stopped))
        {
            stopped.WaitOne();
            Sample();
        }
    }
}
