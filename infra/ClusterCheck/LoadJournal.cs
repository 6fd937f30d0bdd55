using System.Text.Json;

namespace HyperdOrleans.ClusterCheck;

/// <summary>One append call of a load run: its ids (first, count), whether it was acknowledged, how long it took, and why it failed.</summary>
internal sealed record AppendCall(long First, int Count, bool Ok, double Ms, double AtSeconds, string? Error);

/// <summary>What a load run saw, as chaos.sh reads it.</summary>
internal sealed record LoadSummary(
    long Searches,
    long SearchesFailed,
    double SearchP50Ms,
    double SearchP99Ms,
    double SearchMaxMs,
    int Appends,
    int AppendsFailed,
    double AppendP50Ms,
    double AppendMaxMs,
    string[] Errors);

/// <summary>Append calls as JSON lines: written by <c>load</c> as they finish, read by <c>verify</c>.</summary>
internal static class LoadJournal
{
    public static string Line(AppendCall call) => JsonSerializer.Serialize(call);

    public static IReadOnlyList<AppendCall> Read(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<AppendCall>(l)!)];
}
