using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HyperdOrleans.Engine.Search.Blocked;

/// <summary>16 queries per AVX-512 register.</summary>
internal readonly struct Lanes512 : ILanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> row, Vector512<float> queries, Vector512<float> accumulator) =>
        (row * queries) + accumulator;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint WinnersMask(Vector512<float> scores, Vector512<float> thresholds) =>
        (uint)Vector512.GreaterThan(scores, thresholds).ExtractMostSignificantBits();
}
