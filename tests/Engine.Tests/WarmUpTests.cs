using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The start-up warm-up runs the whole search path (both storages, both budgets) and leaves its scratch folder empty.</summary>
public sealed class WarmUpTests : IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"hyperd-warm-up-test-{Guid.NewGuid():N}");

    [Fact]
    public void Warm_up_searches_a_scratch_index_and_removes_it()
    {
        Directory.CreateDirectory(_scratch);

        WarmUp.Run(_scratch);

        Assert.Empty(Directory.EnumerateFileSystemEntries(_scratch));
    }

    [Fact]
    public void Warm_up_stops_when_cancelled_and_still_cleans_up()
    {
        Directory.CreateDirectory(_scratch);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => WarmUp.Run(_scratch, cancelled.Token));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_scratch));
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
