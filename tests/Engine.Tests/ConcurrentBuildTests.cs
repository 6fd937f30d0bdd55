using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>One build at a time per index directory: a second one is refused clearly, not interleaved.</summary>
public sealed class ConcurrentBuildTests : IDisposable
{
    private const int D = 8;

    private static readonly IndexBuildOptions Options = new() { MinPointsPerCluster = 50 };

    private readonly TempDirectory _folder = new("concurrent-build");
    private readonly VectorFileSource _source;
    private readonly string _index;

    public ConcurrentBuildTests()
    {
        _source = new VectorFileSource(TestVectors.WriteRows(_folder.File("data.fvecs"), TestVectors.RandomRows(2000, D, seed: 1), D));
        _index = _folder.File("index");
    }

    [Fact]
    public async Task SecondBuildOfTheSameDirectoryIsRefusedWhileTheFirstRuns()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var holdFirst = new ActionProgress<BuildProgress>(_ =>
        {
            started.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(60));
        });
        Task<IndexManifest> first = Task.Run(() => IndexBuilder.Build(_source, _index, Options, holdFirst));
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(60));

            var error = Assert.Throws<IOException>(() => IndexBuilder.Build(_source, _index, Options));

            Assert.Contains("Another build", error.Message);
            Assert.Contains(_index, error.Message);
        }
        finally
        {
            release.Set();
        }

        IndexManifest manifest = await first;
        Assert.Equal(1, manifest.Generation);
        using (VectorIndex index = VectorIndex.Open(_index, verify: true))
        {
            Assert.Equal(1, index.Generation);
        }

        // The lock leaves with the build that held it.
        Assert.Equal(2, IndexBuilder.Build(_source, _index, Options).Generation);
    }

    [Fact]
    public void LockFileLeftByACrashedBuildDoesNotBlock()
    {
        // A crashed process leaves the file but not its lock (the OS drops locks with the process).
        Directory.CreateDirectory(_index);
        File.WriteAllBytes(Path.Combine(_index, ".build.lock"), []);

        Assert.Equal(1, IndexBuilder.Build(_source, _index, Options).Generation);
    }

    public void Dispose() => _folder.Dispose();
}
