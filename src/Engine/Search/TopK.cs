using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Bounded min-heap keeping the k best (highest-score) hits seen so far. Not thread-safe: one per query per thread.
/// Reusable through <see cref="Reset"/> so a batch allocates its heaps once.
/// </summary>
public sealed class TopK
{
    private readonly float[] _scores;
    private readonly long[] _ids;
    private int _count;

    public TopK(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        _scores = new float[k];
        _ids = new long[k];
    }

    public int K => _scores.Length;

    /// <summary>The bytes its score and id arrays hold.</summary>
    public long Bytes => (long)K * (sizeof(float) + sizeof(long));

    public int Count => _count;

    /// <summary>The score a candidate must beat to enter: the worst kept score once full, else -infinity.</summary>
    public float Threshold
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _count < _scores.Length ? float.NegativeInfinity : _scores[0];
    }

    public void Reset() => _count = 0;

    /// <summary>The kept ids in heap order (not sorted), valid until the next change.</summary>
    internal ReadOnlySpan<long> Ids => _ids.AsSpan(0, _count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long id, float score)
    {
        if (_count < _scores.Length)
        {
            SiftUp(_count++, id, score);
        }
        else if (score > _scores[0])
        {
            SiftDown(id, score);
        }
    }

    /// <summary>
    /// Adds a whole block of scored rows. Once the heap is full almost nothing enters, so whole SIMD vectors of
    /// scores are compared with the threshold at once and only a vector with a winner is looked at lane by lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddRange(ReadOnlySpan<float> scores, ReadOnlySpan<long> ids)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ids.Length, scores.Length, nameof(ids));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float first = ref MemoryMarshal.GetReference(scores);
            int width = Vector<float>.Count;
            for (; i <= scores.Length - width; i += width)
            {
                if (!Vector.GreaterThanAny(Vector.LoadUnsafe(ref first, (nuint)i), new Vector<float>(Threshold)))
                {
                    continue;
                }

                for (int lane = i; lane < i + width; lane++)
                {
                    if (scores[lane] > Threshold)
                    {
                        Add(ids[lane], scores[lane]);
                    }
                }
            }
        }

        for (; i < scores.Length; i++)
        {
            if (scores[i] > Threshold)
            {
                Add(ids[i], scores[i]);
            }
        }
    }

    /// <summary>Whether the heap already holds <paramref name="id"/> (linear: k is small).</summary>
    public bool Contains(long id) => Array.IndexOf(_ids, id, 0, _count) >= 0;

    /// <summary>The kept ids in heap order into <paramref name="destination"/>; empties the heap. For callers that need the
    /// set, not the order.</summary>
    internal int DrainIds(Span<long> destination)
    {
        int count = _count;
        _ids.AsSpan(0, count).CopyTo(destination);
        _count = 0;
        return count;
    }

    /// <summary>The kept hits by descending score (ties by ascending id); empties the heap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Neighbor[] ToSortedArray()
    {
        var result = new Neighbor[_count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = new Neighbor(_ids[i], _scores[i]);
        }

        Array.Sort(result, NeighborOrder.Instance);
        _count = 0;
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SiftUp(int index, long id, float score)
    {
        while (index > 0)
        {
            int parent = (index - 1) >> 1;
            if (_scores[parent] <= score)
            {
                break;
            }

            _scores[index] = _scores[parent];
            _ids[index] = _ids[parent];
            index = parent;
        }

        _scores[index] = score;
        _ids[index] = id;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SiftDown(long id, float score)
    {
        int index = 0;
        int count = _count;
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && _scores[child + 1] < _scores[child])
            {
                child++;
            }

            if (_scores[child] >= score)
            {
                break;
            }

            _scores[index] = _scores[child];
            _ids[index] = _ids[child];
            index = child;
        }

        _scores[index] = score;
        _ids[index] = id;
    }
}
