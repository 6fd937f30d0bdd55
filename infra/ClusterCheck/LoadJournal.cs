using System.Text.Json;

namespace HyperdOrleans.ClusterCheck;

/// <summary>One append call of a load run: its ids (first, count), whether it was acknowledged, how long it took, and why it failed.</summary>
internal sealed record AppendCall(long First, int Count, bool Ok, double Ms, double AtSeconds, string? Error);

/// <summary>
/// What a load run saw, as chaos.sh reads it. With <c>--fault-at</c>, the search p99 of the searches that started after
/// the warm-up and before the fault, and of those that started in the window after it (<see cref="AfterWindowSeconds"/>
/// long: 60 s, or less when the run ended sooner), and the mean recall@10 of the answers in each (with <c>--data</c>); 0 without.
/// </summary>
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
    string[] Errors,
    double SearchP99BeforeMs = 0,
    double SearchP99AfterMs = 0,
    double AfterWindowSeconds = 0,
    double RecallBefore = 0,
    double RecallAfter = 0);

/// <summary>Append calls as JSON lines: written by <c>load</c> as they finish, read by <c>verify</c>.</summary>
internal static class LoadJournal
{
    public static string Line(AppendCall call) => JsonSerializer.Serialize(call);

    public static IReadOnlyList<AppendCall> Read(string path) =>
        [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<AppendCall>(l)!)];
}
