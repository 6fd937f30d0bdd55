using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Evaluation.Diagnostics;

/// <summary>
/// The process's own memory (RssAnon) once it idles and the garbage is gone: the search's pooled buffers are let go
/// of after an idle second, and an aggressive, compacting full collection returns the heap's free space to the
/// system, so what is left is what live objects hold. Between two such readings the
/// difference is what a phase keeps (an open index), not the garbage its work left for the GC's next budget.
/// </summary>
public static class SettledMemory
{
    public static long RssAnonBytes()
    {
        // Idle first, as a server between bursts: a pooled search scratch lets go of its buffers after it has idled
        // for ScratchPool.DefaultIdleAfter, on the pool's next tick (at most one more period).
        Thread.Sleep((2 * ScratchPool.DefaultIdleAfter) + TimeSpan.FromMilliseconds(250));

        // Twice: the first collection queues finalizers whose objects only the second can free.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return ProcessMemory.Read().RssAnonBytes;
    }
}
