using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace HyperdOrleans.Engine.Search.Blocked;

/// <summary>
/// Up to <see cref="MaxLanes"/> queries laid out for the blocked scan: transposed (coordinate j of lane l at
/// j × lanes + l) so one vector load yields coordinate j of every query, with each lane's heap and the score a
/// row must beat to enter it. Unused lanes keep whatever an earlier block left there (finite coordinates of unit
/// queries, or zeros) behind an infinite threshold, so they never take a row and need no clearing.
/// Not thread-safe: one per <see cref="SearchScratch"/>.
/// </summary>
internal sealed class QueryBlock
{
    public const int MaxLanes = 16;

    private float[] _transposed = [];
    private float[] _queries = [];
    private int _dimensions;

    public float[] Transposed => _transposed;

    /// <summary>Lane <paramref name="lane"/>'s query as given (row-major), for scoring a winning row exactly; kept only for
    /// <see cref="ExactScores"/> blocks.</summary>
    public ReadOnlySpan<float> Query(int lane) => _queries.AsSpan(lane * _dimensions, _dimensions);

    /// <summary>The score a row must beat, less the lane's bias, per lane.</summary>
    public float[] Thresholds { get; } = new float[MaxLanes];

    /// <summary>
    /// A constant each lane's register score leaves out: an SQ8 tile holds codes, and a query's score against
    /// them is q·min + Σ_j (q_j·step_j)·code_j, so the block holds q ⊙ step and the bias is q·min. Zero for float rows.
    /// </summary>
    public float[] Bias { get; } = new float[MaxLanes];

    public TopK[] Heaps { get; } = new TopK[MaxLanes];

    public int Lanes { get; private set; }

    public int Active { get; private set; }

    /// <summary>
    /// Whether a winning row enters the heap with its <c>TensorPrimitives.Dot</c> (hits that are returned) or with
    /// the register's score (a ranking whose scores are never shown, such as the choice of clusters).
    /// </summary>
    public bool ExactScores { get; private set; }

    /// <summary>Empties the block for <paramref name="lanes"/> lanes of <paramref name="dimensions"/> coordinates.</summary>
    public void Begin(int lanes, int dimensions, bool exactScores)
    {
        Debug.Assert(lanes is > 0 and <= MaxLanes);
        if (_transposed.Length < lanes * dimensions)
        {
            _transposed = new float[MaxLanes * dimensions];
            _queries = new float[MaxLanes * dimensions];
        }

        _dimensions = dimensions;
        Thresholds.AsSpan(0, lanes).Fill(float.PositiveInfinity);
        Lanes = lanes;
        Active = 0;
        ExactScores = exactScores;
    }

    /// <summary>Puts <paramref name="query"/> in the next lane with no heap, for <see cref="BlockedScores"/> (which offers nothing).</summary>
    public void AddQuery(ReadOnlySpan<float> query)
    {
        Debug.Assert(!ExactScores);
        int lane = Place(query);
        Bias[lane] = 0f;
        Thresholds[lane] = float.PositiveInfinity;
    }

    /// <summary>Writes <paramref name="query"/> transposed into the next lane and returns the lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Place(ReadOnlySpan<float> query)
    {
        Debug.Assert(Active < Lanes);
        int lane = Active++;
        int lanes = Lanes;
        for (int j = 0; j < query.Length; j++)
        {
            _transposed[(j * lanes) + lane] = query[j];
        }

        return lane;
    }

    /// <summary>Puts <paramref name="query"/> (unit length, or SQ8 weights with their <paramref name="bias"/>) and its heap in
    /// the next lane.</summary>
    public void Add(ReadOnlySpan<float> query, TopK heap, float bias = 0f)
    {
        Debug.Assert(bias == 0f || !ExactScores, "exact scores are plain dot products, with no bias");
        int lane = Place(query);
        if (ExactScores)
        {
            query.CopyTo(_queries.AsSpan(lane * _dimensions));
        }

        Heaps[lane] = heap;
        Bias[lane] = bias;
        Thresholds[lane] = heap.Threshold - bias;
    }
}
