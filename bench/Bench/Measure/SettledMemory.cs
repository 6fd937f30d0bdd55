using HyperdOrleans.Engine.Diagnostics;

namespace HyperdOrleans.Bench.Measure;

/// <summary>
/// The process's own memory (RssAnon) once the garbage is gone: an aggressive, compacting full collection returns
/// the heap's free space to the system, so what is left is what live objects hold. Between two such readings the
/// difference is what a phase keeps (an open index), not the garbage its work left for the GC's next budget.
/// </summary>
internal static class SettledMemory
{
    public static long RssAnonBytes()
    {
        // Twice: the first collection queues finalizers whose objects only the second can free.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return ProcessMemory.Read().RssAnonBytes;
    }
}
