namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Search scratches for concurrent workers, rented for a batch and returned after it. A busy index keeps each
/// worker's working set from one batch to the next (re-growing it costs page faults and copies: about 7 % of a
/// cheap batch's CPU on GloVe); a scratch left in the pool for <see cref="IdleAfter"/> lets go of its buffers,
/// so an idle index holds a small constant beside its mapped files. Holds as many scratches as ever ran at once;
/// thread-safe.
/// </summary>
public sealed class ScratchPool : IDisposable
{
    /// <summary>How long a returned scratch keeps its buffers unless rented again.</summary>
    public static readonly TimeSpan DefaultIdleAfter = TimeSpan.FromSeconds(1);

    private readonly List<Returned> _pooled = []; // the last returned at the end
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    public ScratchPool(TimeSpan? idleAfter = null, TimeProvider? time = null)
    {
        IdleAfter = idleAfter ?? DefaultIdleAfter;
        ArgumentOutOfRangeException.ThrowIfLessThan(IdleAfter, TimeSpan.Zero);
        _time = time ?? TimeProvider.System;

        // The timer holds the pool weakly: a pool nobody disposed is still collected, and its timer then stops itself.
        var ticks = new Ticks(new WeakReference<ScratchPool>(this));
        TimeSpan period = IdleAfter < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : IdleAfter;
        _timer = ticks.Timer = _time.CreateTimer(static state => ((Ticks)state!).Tick(), ticks, period, period);
    }

    public TimeSpan IdleAfter { get; }

    /// <summary>A scratch for one batch: the most recently returned one (its buffers are the likeliest still warm), else a new one.</summary>
    public SearchScratch Rent()
    {
        lock (_lock)
        {
            if (_pooled.Count == 0)
            {
                return new SearchScratch();
            }

            SearchScratch scratch = _pooled[^1].Scratch;
            _pooled.RemoveAt(_pooled.Count - 1);
            return scratch;
        }
    }

    /// <summary>Takes back a scratch whose batch is done (its plan emptied); it keeps its buffers until it idles.</summary>
    public void Return(SearchScratch scratch)
    {
        scratch.EndBatch();
        lock (_lock)
        {
            _pooled.Add(new Returned(scratch, _time.GetTimestamp(), Released: false));
        }
    }

    /// <summary>Lets go of the buffers of every pooled scratch returned at least <see cref="IdleAfter"/> ago; the timer calls it.</summary>
    internal void ReleaseIdle()
    {
        lock (_lock)
        {
            for (int i = 0; i < _pooled.Count; i++)
            {
                // Once per return: a scratch released on an earlier tick holds nothing more to let go of.
                if (!_pooled[i].Released && _time.GetElapsedTime(_pooled[i].At) >= IdleAfter)
                {
                    _pooled[i].Scratch.Release();
                    _pooled[i] = _pooled[i] with { Released = true };
                }
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private sealed class Ticks(WeakReference<ScratchPool> pool)
    {
        public ITimer? Timer { get; set; }

        public void Tick()
        {
            if (pool.TryGetTarget(out ScratchPool? target))
            {
                target.ReleaseIdle();
            }
            else
            {
                Timer?.Dispose();
            }
        }
    }

    private readonly record struct Returned(SearchScratch Scratch, long At, bool Released);
}
