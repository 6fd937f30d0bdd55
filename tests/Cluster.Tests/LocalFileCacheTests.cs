using HyperdOrleans.Grains;
using HyperdOrleans.Grains.Storage;
using Microsoft.Extensions.Options;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>A silo's file cache: a bucket that lets go of a generation removes its own files, never its neighbours'.</summary>
public sealed class LocalFileCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"hyperd-cache-tests-{Guid.NewGuid():N}");

    [Fact]
    public async Task ABucketReleasingAGenerationRemovesOnlyItsOwnFiles_AndTheFolderWithTheLast()
    {
        var store = new LocalDirectoryFileStore(Path.Combine(_root, "store"));
        var cache = new LocalFileCache(store, Options.Create(new HyperdOptions { CacheDirectory = Path.Combine(_root, "cache") }));
        string[] bucket0 = ["idx/gen-000001/bucket-0.centroids", "idx/gen-000001/bucket-0.lists"];
        string[] bucket1 = ["idx/gen-000001/bucket-1.centroids", "idx/gen-000001/bucket-1.lists"];
        string local = Path.Combine(_root, "one.bin");
        File.WriteAllBytes(local, [1, 2, 3]);
        foreach (string name in bucket0.Concat(bucket1))
        {
            await store.UploadAsync(local, name);
        }

        string[] paths0 = await Task.WhenAll(bucket0.Select(n => cache.EnsureAsync(n, CancellationToken.None)));
        string[] paths1 = await Task.WhenAll(bucket1.Select(n => cache.EnsureAsync(n, CancellationToken.None)));

        cache.DeleteBucketFiles(bucket0);
        Assert.All(paths0, p => Assert.False(File.Exists(p), $"{p} is still cached"));
        Assert.All(paths1, p => Assert.True(File.Exists(p), $"{p} of the other bucket was removed"));

        cache.DeleteBucketFiles(bucket1);
        Assert.False(Directory.Exists(Path.GetDirectoryName(paths1[0])), "the emptied generation folder is left behind");
        Assert.Equal([1, 2, 3], File.ReadAllBytes(await cache.EnsureAsync(bucket1[0], CancellationToken.None)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
