using System.Globalization;

namespace HyperdOrleans.Cli.Measure;

/// <summary>
/// Reads the memory counters of <c>/proc/self/status</c> (Linux). Two counters answer different questions:
/// RssAnon is the process's own anonymous memory (GC heap, buffers), and VmHWM is the peak resident set,
/// which also counts pages of memory-mapped files such as the index and data files. Elsewhere both are null.
/// </summary>
internal static class ProcStatus
{
    private const string StatusPath = "/proc/self/status";

    /// <summary>Current anonymous resident memory in bytes (heap and buffers, no file pages).</summary>
    public static long? RssAnon() => ReadKilobytes("RssAnon:");

    /// <summary>Peak resident set in bytes since process start or the last <see cref="TryResetPeak"/>, mapped file pages included.</summary>
    public static long? VmHwm() => ReadKilobytes("VmHWM:");

    /// <summary>
    /// Resets VmHWM to the current resident set (writing 5 to clear_refs, Linux 4.0+) so a peak belongs to one
    /// phase rather than to whatever the process did before. Returns false where that is not allowed.
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

    private static long? ReadKilobytes(string field)
    {
        try
        {
            foreach (string line in File.ReadLines(StatusPath))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    // "RssAnon:\t  123456 kB"
                    string number = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.Parse(number, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return null;
    }
}
