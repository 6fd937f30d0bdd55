namespace HyperdOrleans.Engine.Search.Blocked;

/// <summary>
/// One SIMD register of queries: lane l of every vector belongs to query l of a <see cref="QueryBlock"/>. The
/// blocked scan is written once against this operator and specialised by the JIT for each width, so no
/// width-specific loop is written twice.
/// </summary>
internal interface ILanes<TVector>
    where TVector : struct
{
    /// <summary>Queries per register.</summary>
    static abstract int Count { get; }

    static abstract bool IsHardwareAccelerated { get; }

    static abstract TVector Load(ref float source);

    static abstract void Store(TVector value, ref float destination);


    /// <summary>Every lane set to <paramref name="value"/>: one coordinate of one row, for every query at once.</summary>
    static abstract TVector Broadcast(float value);

    /// <summary>
    /// accumulator + row × queries, rounded after the multiply as <c>TensorPrimitives.MultiplyAdd</c> does: a block
    /// ranks centroids bit for bit as the one-query path does, so batching never changes which clusters are probed.
    /// </summary>
    static abstract TVector MultiplyAdd(TVector row, TVector queries, TVector accumulator);

    /// <summary>Bit l set where <paramref name="scores"/>[l] &gt; <paramref name="thresholds"/>[l].</summary>
    static abstract uint WinnersMask(TVector scores, TVector thresholds);
}
