using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HyperdOrleans.Engine.Search.Blocked;

/// <summary>8 queries per AVX2 register.</summary>
internal readonly struct Lanes256 : ILanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> row, Vector256<float> queries, Vector256<float> accumulator) =>
        (row * queries) + accumulator;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint WinnersMask(Vector256<float> scores, Vector256<float> thresholds) =>
        (uint)Vector256.GreaterThan(scores, thresholds).ExtractMostSignificantBits();
}
