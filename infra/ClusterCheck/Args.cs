using System.Globalization;

namespace HyperdOrleans.ClusterCheck;

/// <summary>The few <c>--name value</c> options of the check tool's modes.</summary>
internal static class Args
{
    public static int Int(string[] args, string name, int fallback)
    {
        string text = String(args, name, fallback.ToString(CultureInfo.InvariantCulture));
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 0
            ? value
            : throw new ArgumentException($"{name} needs a non-negative whole number, got '{text}'.");
    }

    public static string String(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
