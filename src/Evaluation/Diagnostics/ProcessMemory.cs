using System.Globalization;

namespace HyperdOrleans.Evaluation.Diagnostics;

/// <summary>
/// A process's memory as Linux reports it in <c>/proc/PID/status</c>. Two counters answer different questions:
/// <see cref="RssAnonBytes"/> is the process's own memory (heap, buffers), while <see cref="PeakResidentBytes"/>
/// (VmHWM) is the peak resident set, which also counts the pages of memory-mapped files it touched, such as an
/// index's lists. <see cref="IsKnown"/> is false where /proc cannot be read (not Linux, or the process ended).
/// </summary>
public readonly record struct ProcessMemory(bool IsKnown, long RssAnonBytes, long PeakResidentBytes, long ResidentBytes, long ResidentFileBytes)
{
    /// <summary>Reads this process (<paramref name="pid"/> null) or another one.</summary>
    public static ProcessMemory Read(int? pid = null)
    {
        string path = pid is int p ? $"/proc/{p}/status" : "/proc/self/status";
        long anon = 0, peak = 0, resident = 0, file = 0;
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
                    peak = Kilobytes(line);
                }
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    resident = Kilobytes(line);
                }
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
                {
                    file = Kilobytes(line);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return default;
        }

        return new ProcessMemory(true, anon, peak, resident, file);
    }

    /// <summary>
    /// Resets this process's VmHWM to its current resident set (writing 5 to clear_refs, Linux 4.0+), so a later
    /// peak belongs to one phase, not to whatever the process did before. False where that is not allowed.
    /// </summary>
    public static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // "RssAnon:\t  123456 kB"
    private static long Kilobytes(string line) =>
        long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
