using Azure.Storage.Blobs;
using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Storage.Tests;

/// <summary>The store contract against Azurite, one fresh container per test.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobIndexFileStoreTests(AzuriteFixture azurite) : IndexFileStoreContract
{
    private BlobContainerClient? _container;

    protected override Task<IIndexFileStore> CreateStoreAsync()
    {
        _container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient($"contract-{Guid.NewGuid():N}");
        // 1 MiB chunks so the multi-megabyte tests go through the parallel block and range paths.
        var options = new BlobIndexFileStoreOptions { ChunkSizeBytes = 1024 * 1024, MaxConcurrency = 4 };
        return Task.FromResult<IIndexFileStore>(new BlobIndexFileStore(_container, options));
    }

    protected override async Task DeleteStoreAsync()
    {
        if (_container is not null)
        {
            await _container.DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task List_BeforeAnyUpload_IsEmpty_EvenWithoutAContainer()
    {
        Assert.Empty(await Store.ListAsync(""));
        Assert.False(await Store.ExistsAsync("idx/a"));
        await Store.DeletePrefixAsync("idx/");
    }

    [Theory]
    [InlineData("/idx/a")]
    [InlineData("idx/a/")]
    [InlineData("idx\\a")]
    [InlineData(" ")]
    public async Task Names_MustBeRelativeSlashSeparatedPaths(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync(name));
    }
}
