using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Ivf;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// A generation's opened files in a bucket grain, reference-counted: the grain holds one reference while it
/// serves the generation, each running scan another, and the mapping is unmapped when the last goes, so a
/// switch never pulls files from under a scan. Acquire only while the grain still holds its reference.
/// </summary>
internal sealed class ServingGeneration(BucketGeneration info, BucketIndex? index, Action? onClosed)
{
    private int _references = 1;

    public BucketGeneration Info => info;

    public long Generation => info.Generation;

    public long Watermark => info.Watermark;

    /// <summary>Null when the bucket holds no vectors in this generation.</summary>
    public BucketIndex? Index => index;

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
}
