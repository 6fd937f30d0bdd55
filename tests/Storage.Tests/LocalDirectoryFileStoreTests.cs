using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Storage.Tests;

/// <summary>The same store contract as the blob store, against a fresh local directory per test.</summary>
public sealed class LocalDirectoryFileStoreTests : IndexFileStoreContract
{
    // The store's root sits beside WorkDir, not in it: the contract checks WorkDir for leftover temporary files.
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hyperd-store-tests", $"root-{Guid.NewGuid():N}");

    protected override Task<IIndexFileStore> CreateStoreAsync() => Task.FromResult<IIndexFileStore>(new LocalDirectoryFileStore(_root));

    protected override Task DeleteStoreAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Names_ThatClimbOutOfTheRoot_AreRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DownloadAsync("../outside", Path.Combine(WorkDir, "x")));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListAsync("/abs"));
    }
}
