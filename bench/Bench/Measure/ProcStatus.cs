using System.Globalization;

namespace HyperdOrleans.Bench.Measure;

/// <summary>
/// Reads a process's memory from <c>/proc/PID/status</c>. <c>RssAnon</c> is the process's own memory (heap,
/// buffers); <c>VmHWM</c> is its peak resident set, which also counts the pages of memory-mapped files it touched.
/// Zero where /proc is missing (not Linux). Thread-safe (stateless).
/// </summary>
public static class ProcStatus
{
    public readonly record struct Memory(long RssAnonBytes, long HwmBytes, long RssBytes, long RssFileBytes = 0);

    public static Memory Read(int? pid = null)
    {
        string path = pid is int p ? $"/proc/{p}/status" : "/proc/self/status";
        long anon = 0, hwm = 0, rss = 0, file = 0;
        try
        {
            foreach (string line in File.ReadLines(path))
            {
                if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
                {
                    anon = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kilobytes(line);
                }
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    file = Kilobytes(line);
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
            }
        }
        catch (IOException)
        {
            // The process ended between samples, or /proc is absent.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return new Memory(anon, hwm, rss, file);
    }

    /// <summary>Resets this process's VmHWM to its current resident set (Linux: "5" into clear_refs), so a build's peak is its own.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}

/// <summary>
/// Samples a process's RssAnon on a timer and keeps the peak: a build's own memory, which VmHWM overstates once
/// it maps files. Dispose stops the timer.
/// </summary>
public sealed class MemorySampler : IDisposable
{
    private readonly int? _pid;
    private readonly Timer _timer;
    private long _peakAnon;

    public MemorySampler(int? pid = null, int intervalMs = 25)
    {
        _pid = pid;
        Baseline = ProcStatus.Read(pid);
        _peakAnon = Baseline.RssAnonBytes;
        _timer = new Timer(_ => Sample(), null, 0, intervalMs);
    }

    public ProcStatus.Memory Baseline { get; }

    public long PeakRssAnonBytes => Interlocked.Read(ref _peakAnon);

    /// <summary>Takes one more sample now (call at the end of the measured work).</summary>
    public ProcStatus.Memory Sample()
    {
        ProcStatus.Memory now = ProcStatus.Read(_pid);
        long seen;
        while (now.RssAnonBytes > (seen = Interlocked.Read(ref _peakAnon)) && Interlocked.CompareExchange(ref _peakAnon, now.RssAnonBytes, seen) != seen)
        {
        }

        return now;
    }

    public void Dispose() => _timer.Dispose();
}

/// <summary>Percentiles of per-query latencies.</summary>
public static class Latency
{
    public static (double P50, double P99) Percentiles(List<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        double[] sorted = [.. milliseconds.Order()];
        return (At(sorted, 0.50), At(sorted, 0.99));
    }

    private static double At(double[] sorted, double quantile) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
}
