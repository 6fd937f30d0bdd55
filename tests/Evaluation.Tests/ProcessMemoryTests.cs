using System.Runtime.InteropServices;
using HyperdOrleans.Evaluation.Diagnostics;

namespace HyperdOrleans.Evaluation.Tests;

/// <summary>Runs alone: other tests allocating and freeing beside it would move RssAnon under the sampler.</summary>
[CollectionDefinition(nameof(ProcessMemoryCollection), DisableParallelization = true)]
public sealed class ProcessMemoryCollection;

/// <summary>The /proc reader and the peak sampler that the CLI and the benchmark report build memory with.</summary>
[Collection(nameof(ProcessMemoryCollection))]
public sealed class ProcessMemoryTests
{
    [Fact]
    public void ReadsThisProcessWhereProcExists()
    {
        ProcessMemory now = ProcessMemory.Read();
        Assert.Equal(OperatingSystem.IsLinux(), now.IsKnown);
        if (!now.IsKnown)
        {
            return;
        }

        Assert.True(now.RssAnonBytes > 1 << 20, $"RssAnon {now.RssAnonBytes}");
        Assert.True(now.ResidentBytes >= now.RssAnonBytes);
        Assert.True(now.PeakResidentBytes >= now.ResidentBytes);
    }

    [Fact]
    public void AnEndedProcessIsUnknownNotZero()
    {
        ProcessMemory gone = ProcessMemory.Read(int.MaxValue);
        Assert.False(gone.IsKnown);
    }

    [Fact]
    public void SamplerSeesMemoryTouchedSinceItStarted()
    {
        // Earlier tests leave a large managed heap behind: settle it first, so the GC does not decommit its pages
        // while the sampler watches (RssAnon then fell by more than the slack below, 1 run in about 6).
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var sampler = new PeakMemorySampler(intervalMs: 5);
        long before = sampler.Baseline.RssAnonBytes;
        // Native memory, so the GC cannot hand back pages it already held.
        const int Bytes = 256 << 20;
        unsafe
        {
            byte* block = (byte*)NativeMemory.Alloc(Bytes);
            try
            {
                for (int i = 0; i < Bytes; i += 4096)
                {
                    block[i] = 1;
                }

                sampler.Sample();
            }
            finally
            {
                NativeMemory.Free(block);
            }
        }

        long? peak = sampler.PeakRssAnonBytes;
        Assert.Equal(OperatingSystem.IsLinux(), peak is not null);
        if (peak is null)
        {
            return;
        }

        Assert.True(peak - before >= 200 << 20, $"peak {peak} from {before}");
    }
}
