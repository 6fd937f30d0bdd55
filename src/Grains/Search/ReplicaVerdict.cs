namespace HyperdOrleans.Grains.Search;

/// <summary>What a coordinator makes of one replica's answer.</summary>
public enum ReplicaVerdict
{
    /// <summary>Use it (a stale answer from a newer generation too: the caller refreshes its route).</summary>
    Answer,

    /// <summary>The replica is still loading: ask another, or wait for it when none is ready.</summary>
    NotReady,

    /// <summary>The replica serves an older generation than asked (it missed a switch): ask another.</summary>
    Behind,
}
