namespace HyperdOrleans.Grains.Search;

/// <summary>
/// One bucket's (or shard's) recent answer times as a silo's coordinators saw them (the last 128), the calls in flight to each of
/// its replicas, and a round-robin turn. The p99 of the window is how long a call may take before it is hedged to another
/// replica; the replica asked first is the one with the fewest calls in flight (the turn breaks ties), so a replica on a
/// busy or slow silo gets less of the work while its answers lag. Thread-safe.
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
    private readonly int[] _inFlight;

    public ReplicaLatency(int replicas) => _inFlight = new int[replicas];

    /// <summary>The replica to ask first: the one with the fewest calls in flight, from the next in turn on.</summary>
    public int NextFirst()
    {
        int replicas = _inFlight.Length;
        int start = (int)((uint)Interlocked.Increment(ref _turn) % (uint)replicas);
        int best = start;
        for (int i = 1; i < replicas; i++)
        {
            int r = (start + i) % replicas;
            if (Volatile.Read(ref _inFlight[r]) < Volatile.Read(ref _inFlight[best]))
            {
                best = r;
            }
        }

        return best;
    }

    /// <summary>Counts a call to <paramref name="replica"/> as in flight until <paramref name="call"/> ends, however it ends.</summary>
    public void Track(int replica, Task call)
    {
        Interlocked.Increment(ref _inFlight[replica]);
        call.ContinueWith(
            static (_, state) =>
            {
                var (self, r) = ((ReplicaLatency, int))state!;
                Interlocked.Decrement(ref self._inFlight[r]);
            },
            (this, replica),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

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
