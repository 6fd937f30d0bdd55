using System.Reflection;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace HyperdOrleans.Bench.Methods;

/// <summary>
/// The few calls of USearch's C API that the managed wrapper (Cloud.Unum.USearch 2.26.6) does not expose:
/// reserving capacity once so that adds can run on several threads, changing <c>ef</c> (expansion_search) on a
/// built index, memory usage, and adds and searches straight from pointers into the mapped base. The index itself
/// is created and freed by the wrapper.
/// </summary>
internal static unsafe partial class USearchNative
{
    private const string Library = "libusearch_c";

    /// <summary>The native handle behind a wrapper instance (its private <c>_index</c> field).</summary>
    public static IntPtr Handle(USearchIndex index) =>
        (IntPtr)(typeof(USearchIndex).GetField("_index", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(index)
            ?? throw new MissingFieldException("Cloud.Unum.USearch.USearchIndex._index not found: the wrapper changed; update USearchNative."));

    public static void Reserve(IntPtr index, long capacity)
    {
        IntPtr error = IntPtr.Zero;
        usearch_reserve(index, (nuint)capacity, &error);
        Check(error, "reserve");
    }

    public static void ChangeExpansionSearch(IntPtr index, int ef)
    {
        IntPtr error = IntPtr.Zero;
        usearch_change_expansion_search(index, (nuint)ef, &error);
        Check(error, "change_expansion_search");
    }

    public static long MemoryUsage(IntPtr index)
    {
        IntPtr error = IntPtr.Zero;
        nuint bytes = usearch_memory_usage(index, &error);
        Check(error, "memory_usage");
        return (long)bytes;
    }

    public static void Add(IntPtr index, ulong key, float* vector)
    {
        IntPtr error = IntPtr.Zero;
        usearch_add(index, key, vector, (int)ScalarKind.Float32, &error);
        Check(error, "add");
    }

    public static int Search(IntPtr index, float* query, int count, ulong* keys, float* distances)
    {
        IntPtr error = IntPtr.Zero;
        nuint found = usearch_search(index, query, (int)ScalarKind.Float32, (nuint)count, keys, distances, &error);
        Check(error, "search");
        return (int)found;
    }

    private static void Check(IntPtr error, string call)
    {
        if (error != IntPtr.Zero)
        {
            throw new InvalidOperationException($"usearch_{call} failed: {Marshal.PtrToStringUTF8(error)}");
        }
    }

    [LibraryImport(Library)]
    private static partial void usearch_reserve(IntPtr index, nuint capacity, IntPtr* error);

    [LibraryImport(Library)]
    private static partial void usearch_change_expansion_search(IntPtr index, nuint expansion, IntPtr* error);

    [LibraryImport(Library)]
    private static partial nuint usearch_memory_usage(IntPtr index, IntPtr* error);

    [LibraryImport(Library)]
    private static partial void usearch_add(IntPtr index, ulong key, void* vector, int kind, IntPtr* error);

    [LibraryImport(Library)]
    private static partial nuint usearch_search(IntPtr index, void* query, int kind, nuint count, ulong* keys, float* distances, IntPtr* error);
}
