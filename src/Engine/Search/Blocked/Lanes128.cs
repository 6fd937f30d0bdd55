using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HyperdOrleans.Engine.Search.Blocked;

/// <summary>4 queries per SSE or NEON register.</summary>
internal readonly struct Lanes128 : ILanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> row, Vector128<float> queries, Vector128<float> accumulator) =>
        (row * queries) + accumulator;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint WinnersMask(Vector128<float> scores, Vector128<float> thresholds) =>
        (uint)Vector128.GreaterThan(scores, thresholds).ExtractMostSignificantBits();
}
