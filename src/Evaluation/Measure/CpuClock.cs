using System.Runtime.InteropServices;

namespace HyperdOrleans.Evaluation.Measure;

/// <summary>
/// CPU time consumed by this process (every thread), in seconds, from <c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c>
/// on Linux and <see cref="Environment.CpuUsage"/> elsewhere. On a machine shared with other work, wall time
/// includes the time the scheduler gave to others; CPU time does not, so queries per CPU-second stay comparable
/// between methods measured minutes apart. Thread-safe.
/// </summary>
public static partial class CpuClock
{
    private const int ClockProcessCpuTimeId = 2;

    public static double ProcessSeconds()
    {
        if (OperatingSystem.IsLinux() && clock_gettime(ClockProcessCpuTimeId, out TimeSpec time) == 0)
        {
            return time.Seconds + (time.Nanoseconds * 1e-9);
        }

        return Environment.CpuUsage.TotalTime.TotalSeconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = false)]
    private static partial int clock_gettime(int clock, out TimeSpec time);
}
