using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace HyperdOrleans.Grains.Hosting;

/// <summary>
/// Names of scratch folders under a silo's work directory. Each carries the id of the process that made it, so a silo
/// starting later can tell what a dead process left behind from what a live silo on the same machine is using.
/// </summary>
public static partial class ScratchNames
{
    public static string Folder(string purpose) => $"{purpose}-p{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>True when <paramref name="name"/> is a scratch folder whose process no longer runs.</summary>
    public static bool IsOrphan(string name)
    {
        Match m = OwnerPattern().Match(name);
        if (!m.Success)
        {
            return false;
        }

        int pid = int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        try
        {
            using Process process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    [GeneratedRegex(@"-p(\d{1,10})-[0-9a-f]{32}$")]
    private static partial Regex OwnerPattern();
}
