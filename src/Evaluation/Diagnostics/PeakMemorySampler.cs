namespace HyperdOrleans.Evaluation.Diagnostics;

/// <summary>
/// Samples a process's RssAnon on a timer and keeps the maximum: the kernel keeps a peak only for the whole
/// resident set (VmHWM), which mapped file pages inflate, so a build's own peak has to be watched. Thread-safe;
/// disposing stops the timer (waiting for a sample in flight) and takes a last sample.
/// </summary>
public sealed class PeakMemorySampler : IDisposable
{
    private readonly int? _pid;
    private readonly Timer _timer;
    private long _peakRssAnon = -1;

    /// <summary>Starts sampling this process (<paramref name="pid"/> null) or another one, every <paramref name="intervalMs"/>.</summary>
    public PeakMemorySampler(int? pid = null, int intervalMs = 25)
    {
        _pid = pid;
        Baseline = Sample();
        _timer = new Timer(_ => Sample(), null, intervalMs, intervalMs);
    }

    /// <summary>The process's memory when sampling started.</summary>
    public ProcessMemory Baseline { get; }

    /// <summary>Peak anonymous memory (bytes) seen so far, or null where /proc cannot be read.</summary>
    public long? PeakRssAnonBytes
    {
        get
        {
            long peak = Interlocked.Read(ref _peakRssAnon);
            return peak < 0 ? null : peak;
        }
    }

    /// <summary>Takes one more sample now (call at the end of the measured work) and returns it.</summary>
    public ProcessMemory Sample()
    {
        ProcessMemory now = ProcessMemory.Read(_pid);
        if (now.IsKnown)
        {
            long seen;
            while (now.RssAnonBytes > (seen = Interlocked.Read(ref _peakRssAnon))
                && Interlocked.CompareExchange(ref _peakRssAnon, now.RssAnonBytes, seen) != seen)
            {
            }
        }

        return now;
    }

    /// <summary>Safe to call twice.</summary>
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
