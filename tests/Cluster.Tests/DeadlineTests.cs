using System.Diagnostics;
using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>Every SDK call has a deadline and honours its token; a held rebuild makes a call that would otherwise wait.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class DeadlineTests(SharedClusterFixture fixture)
{
    /// <summary>Prompt means well under the 20 s long-poll the held call would otherwise last.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ACallCancelledByItsToken_ThrowsOperationCanceledPromptly()
    {
        const string index = "deadline-cancel";
        await fixture.Hyperd.BuildAsync(index, fixture.Data);
        await HoldRebuildAsync(index, async generation =>
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            var clock = Stopwatch.StartNew();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => fixture.Hyperd.Client.WaitForRebuildAsync(index, generation, cancellationToken: cancel.Token));
            Assert.True(clock.Elapsed < Prompt, $"the cancelled wait returned after {clock.Elapsed.TotalSeconds:F1} s");
        });
    }

    [Fact]
    public async Task APerCallTimeout_ThrowsTimeoutExceptionNamingTheCallTheIndexAndTheDeadline()
    {
        const string index = "deadline-timeout";
        await fixture.Hyperd.BuildAsync(index, fixture.Data);
        await HoldRebuildAsync(index, async generation =>
        {
            var clock = Stopwatch.StartNew();
            var timeout = await Assert.ThrowsAsync<TimeoutException>(
                () => fixture.Hyperd.Client.WaitForRebuildAsync(index, generation, timeout: TimeSpan.FromSeconds(1)));
            Assert.True(clock.Elapsed < Prompt, $"a 1 s deadline expired after {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Contains("WaitForRebuildAsync", timeout.Message);
            Assert.Contains($"'{index}'", timeout.Message);
            Assert.Contains("1 s", timeout.Message);
        });
    }

    [Fact]
    public async Task ASearchPastItsTimeout_ThrowsTimeoutException()
    {
        const string index = "deadline-search";
        await fixture.Hyperd.BuildAsync(index, fixture.Data);

        // Every test query at once on a 1 ms deadline: the answer cannot come back in time.
        var clock = Stopwatch.StartNew();
        var timeout = await Assert.ThrowsAsync<TimeoutException>(
            () => fixture.Hyperd.Client.SearchRowsAsync(index, fixture.Data.Queries, 10, timeout: TimeSpan.FromMilliseconds(1)));
        Assert.True(clock.Elapsed < Prompt, $"a 1 ms search deadline expired after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Contains("SearchAsync", timeout.Message);
        Assert.Contains($"'{index}'", timeout.Message);

        // The client is fine afterwards.
        Assert.Equal(10, (await fixture.Hyperd.Client.SearchAsync(index, fixture.Data.Query(0), 10)).Count);
    }

    /// <summary>Starts a rebuild held at the build gate, runs <paramref name="act"/> on it, then lets it finish.</summary>
    private async Task HoldRebuildAsync(string index, Func<long, Task> act)
    {
        TestBuildGate gate = fixture.Hyperd.Gate;
        gate.Close();
        try
        {
            IndexStatus started = await fixture.Hyperd.Client.BuildAsync(index, new BuildRequest(), wait: false);
            long generation = started.Rebuild!.Generation;
            await act(generation);
            gate.Open();
            await Within.Phase("the held rebuild to finish", fixture.Hyperd.Client.WaitForRebuildAsync(index, generation));
        }
        finally
        {
            gate.Open();
        }
    }
}
