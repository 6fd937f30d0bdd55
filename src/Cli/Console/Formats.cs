using System.Globalization;

namespace HyperdOrleans.Cli.Console;

/// <summary>Number formats for reports: invariant, so logs read the same on every machine.</summary>
internal static class Formats
{
    public static CultureInfo Culture => CultureInfo.InvariantCulture;

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "n/a (no /proc)",
        >= 1L << 30 => $"{bytes.Value / (double)(1L << 30):F2} GiB",
        _ => $"{bytes.Value / (double)(1L << 20):F0} MiB",
    };

    public static string Milliseconds(double seconds) => $"{seconds * 1000:F2} ms";
}
