namespace HyperdOrleans.Grains.Search;

/// <summary>
/// One bucket's recent answer times as one coordinator activation saw them (the last 128), and its round-robin turn: the p99
/// of the window is how long a call may take before the coordinator hedges it to another replica. Thread-safe.
/// </summary>
public sealed class ReplicaLatency
{
    private const int Window = 128;

    /// <summary>Fewer answers than this say too little about the tail: no hedge until then (the attempt timeout still applies).</summary>
    private const int MinSamples = 20;

    /// <summary>A hedge sooner than this costs more than it saves on any real scan.</summary>
    private static readonly TimeSpan HedgeFloor = TimeSpan.FromMilliseconds(20);

    private readonly double[] _milliseconds = new double[Window];
    private readonly Lock _lock = new();
    private int _count;
    private int _next;
    private int _turn;
    private TimeSpan? _p99;

    /// <summary>The replica to ask first: each call starts one further along.</summary>
    public int NextFirst(int replicas) => (int)((uint)Interlocked.Increment(ref _turn) % (uint)replicas);

    public void Record(TimeSpan elapsed)
    {
        lock (_lock)
        {
            _milliseconds[_next] = elapsed.TotalMilliseconds;
            _next = (_next + 1) % Window;
            _count = Math.Min(_count + 1, Window);

            // Sorting 128 numbers on every answer would cost more than it tells: every 16th answer is fresh enough.
            if (_count >= MinSamples && (_p99 is null || _next % 16 == 0))
            {
                double[] sorted = _milliseconds[.._count];
                Array.Sort(sorted);
                double p99 = sorted[(int)Math.Ceiling(0.99 * _count) - 1];
                _p99 = TimeSpan.FromMilliseconds(Math.Max(p99, HedgeFloor.TotalMilliseconds));
            }
        }
    }

    /// <summary>When to send a slow call's request to another replica too; null while the window is too small to say.</summary>
    public TimeSpan? HedgeAfter
    {
        get
        {
            lock (_lock)
            {
                return _p99;
            }
        }
    }
}
