using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Ivf;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// A generation's opened files in a bucket grain, reference-counted: the grain holds one reference while it
/// serves the generation, each running scan another, and the mapping is unmapped when the last goes, so a
/// switch never pulls files from under a scan. Acquire only while the grain still holds its reference. It keeps the
/// matches of the last filter it evaluated: a filtered search counts them, then scans with the same filter.
/// </summary>
internal sealed class ServingGeneration(BucketGeneration info, BucketIndex? index, Action? onClosed)
{
    private int _references = 1;
    private LastMatch? _lastMatch;

    public BucketGeneration Info => info;

    public long Generation => info.Generation;

    public long Watermark => info.Watermark;

    /// <summary>Null when the bucket holds no vectors in this generation.</summary>
    public BucketIndex? Index => index;

    /// <summary>The rows of the files that <paramref name="filter"/> keeps, from <paramref name="evaluate"/> unless it was the
    /// last filter asked (filters compare by value). Thread-safe: concurrent misses evaluate twice, harmlessly.</summary>
    public RowMatches? Match(FieldFilter filter, Func<RowMatches?> evaluate)
    {
        if (Volatile.Read(ref _lastMatch) is { } last && last.Filter.Equals(filter))
        {
            return last.Matches;
        }

        RowMatches? matches = evaluate();
        Volatile.Write(ref _lastMatch, new LastMatch(filter, matches));
        return matches;
    }

    public ServingGeneration Acquire()
    {
        Interlocked.Increment(ref _references);
        return this;
    }

    /// <summary>Drops one reference; the last one closes the files.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            index?.Dispose();
            onClosed?.Invoke();
        }
    }

    private sealed record LastMatch(FieldFilter Filter, RowMatches? Matches);
}
