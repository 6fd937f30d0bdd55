using HyperdOrleans.Grains.Storage;

namespace HyperdOrleans.Storage.Tests;

/// <summary>
/// What every <see cref="IIndexFileStore"/> must do, written once: a store's test class derives from this and
/// supplies a fresh, empty store. Each test gets its own store and its own local scratch directory.
/// </summary>
public abstract class IndexFileStoreContract : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;

    private IIndexFileStore? _store;

    protected IIndexFileStore Store => _store ?? throw new InvalidOperationException("The store is created in InitializeAsync.");

    /// <summary>Local scratch space for files to upload and download targets.</summary>
    protected string WorkDir { get; } = Path.Combine(Path.GetTempPath(), "hyperd-store-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A new store that holds no names.</summary>
    protected abstract Task<IIndexFileStore> CreateStoreAsync();

    /// <summary>Releases what <see cref="CreateStoreAsync"/> made (a container, a directory).</summary>
    protected abstract Task DeleteStoreAsync();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDir);
        _store = await CreateStoreAsync();
    }

    public async Task DisposeAsync()
    {
        await DeleteStoreAsync();
        Directory.Delete(WorkDir, recursive: true);
    }

    [Fact]
    public async Task RoundTrip_MultiMegabyteFile_IsByteExact()
    {
        var source = WriteLocal("source.bin", RandomBytes(12 * MiB + 12345, seed: 1));

        await Store.UploadAsync(source, "idx/gen-000001/bucket-0.lists");
        var target = Path.Combine(WorkDir, "down", "bucket-0.lists");
        await Store.DownloadAsync("idx/gen-000001/bucket-0.lists", target);

        AssertSameBytes(source, target);
        AssertNoPartFiles();
    }

    [Fact]
    public async Task RoundTrip_EmptyFile()
    {
        var source = WriteLocal("empty.bin", []);

        await Store.UploadAsync(source, "idx/empty");
        var target = Path.Combine(WorkDir, "empty.down");
        await Store.DownloadAsync("idx/empty", target);

        Assert.Equal(0, new FileInfo(target).Length);
    }

    [Fact]
    public async Task Upload_SameName_ReplacesTheOldFile_AndDownload_ReplacesTheLocalFile()
    {
        var first = WriteLocal("first.bin", RandomBytes(3 * MiB, seed: 2));
        var second = WriteLocal("second.bin", RandomBytes(MiB + 7, seed: 3));
        var target = Path.Combine(WorkDir, "target.bin");

        await Store.UploadAsync(first, "idx/manifest");
        await Store.DownloadAsync("idx/manifest", target);
        AssertSameBytes(first, target);

        await Store.UploadAsync(second, "idx/manifest");
        await Store.DownloadAsync("idx/manifest", target);
        AssertSameBytes(second, target);
        Assert.Equal(["idx/manifest"], await Store.ListAsync("idx/"));
    }

    [Fact]
    public async Task Download_MissingName_ThrowsFileNotFound_AndWritesNothing()
    {
        var target = Path.Combine(WorkDir, "missing.bin");

        await Assert.ThrowsAsync<FileNotFoundException>(() => Store.DownloadAsync("idx/gen-000009/nothing", target));

        Assert.False(File.Exists(target));
        AssertNoPartFiles();
    }

    [Fact]
    public async Task Upload_MissingLocalFile_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(
            () => Store.UploadAsync(Path.Combine(WorkDir, "no-such-file"), "idx/x"));

        Assert.False(await Store.ExistsAsync("idx/x"));
    }

    [Fact]
    public async Task ReadHead_GivesTheLengthAndTheFirstBytes_OrNullWhenAbsent()
    {
        byte[] bytes = RandomBytes(5000, seed: 7);
        await Store.UploadAsync(WriteLocal("head.bin", bytes), "imports/head.bin");
        await Store.UploadAsync(WriteLocal("head-empty.bin", []), "imports/empty.bin");

        StoredHead? head = await Store.ReadHeadAsync("imports/head.bin", 100);
        StoredHead? whole = await Store.ReadHeadAsync("imports/head.bin", 1 << 20);
        StoredHead? empty = await Store.ReadHeadAsync("imports/empty.bin", 100);

        Assert.Equal(5000, head?.Length);
        Assert.Equal(bytes[..100], head!.Bytes);
        Assert.Equal(bytes, whole?.Bytes);
        Assert.Equal(0, empty?.Length);
        Assert.Empty(empty!.Bytes);
        Assert.Null(await Store.ReadHeadAsync("imports/missing.bin", 100));
    }

    [Fact]
    public async Task Exists_TellsStoredFromAbsentNames()
    {
        await Store.UploadAsync(WriteLocal("a", [1, 2, 3]), "idx/gen-000001/a");

        Assert.True(await Store.ExistsAsync("idx/gen-000001/a"));
        Assert.False(await Store.ExistsAsync("idx/gen-000001/b"));
        Assert.False(await Store.ExistsAsync("idx/gen-000001"));
    }

    [Fact]
    public async Task ListAndDelete_ByPrefix_TouchOnlyNamesUnderThePrefix()
    {
        var file = WriteLocal("small", [42]);
        string[] names = ["idx/gen-000001/a", "idx/gen-000001/b", "idx/gen-000002/a", "idx2/gen-000001/a"];
        foreach (var name in names)
        {
            await Store.UploadAsync(file, name);
        }

        Assert.Equal(["idx/gen-000001/a", "idx/gen-000001/b", "idx/gen-000002/a"], Sorted(await Store.ListAsync("idx/")));
        Assert.Equal(["idx/gen-000001/a", "idx/gen-000001/b"], Sorted(await Store.ListAsync("idx/gen-000001/")));
        Assert.Equal(names, Sorted(await Store.ListAsync("")));
        Assert.Empty(await Store.ListAsync("none/"));

        await Store.DeletePrefixAsync("idx/gen-000001/");
        await Store.DeletePrefixAsync("absent/");

        Assert.Equal(["idx/gen-000002/a"], Sorted(await Store.ListAsync("idx/")));
        Assert.False(await Store.ExistsAsync("idx/gen-000001/a"));
        Assert.True(await Store.ExistsAsync("idx2/gen-000001/a"));
    }

    [Fact]
    public async Task ConcurrentDownloads_OfOneName_AreAllByteExact()
    {
        var source = WriteLocal("shared.bin", RandomBytes(6 * MiB + 3, seed: 4));
        await Store.UploadAsync(source, "idx/gen-000001/bucket-7.lists");
        var sharedTarget = Path.Combine(WorkDir, "same", "bucket-7.lists");

        // Distinct targets (silos caching) and one shared target (two activations racing for the same cache file).
        var distinct = Enumerable.Range(0, 4).Select(i => Path.Combine(WorkDir, $"copy-{i}.lists")).ToArray();
        var downloads = distinct.Concat(Enumerable.Repeat(sharedTarget, 3))
            .Select(target => Task.Run(() => Store.DownloadAsync("idx/gen-000001/bucket-7.lists", target)));
        await Task.WhenAll(downloads);

        foreach (var target in distinct.Append(sharedTarget))
        {
            AssertSameBytes(source, target);
        }
        AssertNoPartFiles();
    }

    [Fact]
    public async Task DownloadsDuringOverwrites_SeeTheOldOrTheNewFile_NeverAMix()
    {
        var versions = new[] { RandomBytes(4 * MiB, seed: 5), RandomBytes(4 * MiB, seed: 6) };
        var sources = versions.Select((bytes, i) => WriteLocal($"version-{i}.bin", bytes)).ToArray();
        await Store.UploadAsync(sources[0], "idx/flip");

        var writer = Task.Run(async () =>
        {
            for (var round = 1; round <= 4; round++)
            {
                await Store.UploadAsync(sources[round % 2], "idx/flip");
            }
        });
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            for (var round = 0; round < 3; round++)
            {
                var target = Path.Combine(WorkDir, $"flip-{r}-{round}.bin");
                await Store.DownloadAsync("idx/flip", target);
                var got = await File.ReadAllBytesAsync(target);
                Assert.True(got.AsSpan().SequenceEqual(versions[0]) || got.AsSpan().SequenceEqual(versions[1]),
                    $"Reader {r} round {round} got {got.Length} bytes matching neither version.");
            }
        }));
        await Task.WhenAll(readers.Append(writer));
    }

    [Fact]
    public async Task Append_CreatesThenExtends_AndReadsBackEveryByte()
    {
        byte[] first = RandomBytes(1000, seed: 5);
        byte[] second = RandomBytes(3 * MiB + 17, seed: 6);

        long afterFirst = await Store.AppendAsync("idx/log/segment-1.wal", first, expectedLength: 0);
        long afterSecond = await Store.AppendAsync("idx/log/segment-1.wal", second, afterFirst);

        Assert.Equal(first.Length, afterFirst);
        Assert.Equal(first.Length + second.Length, afterSecond);
        byte[] stored = await Store.ReadAllBytesAsync("idx/log/segment-1.wal");
        Assert.Equal(first.Concat(second).ToArray(), stored);
    }

    [Fact]
    public async Task Append_LargerThanOneAtomicAppend_ReadsBackEveryByte()
    {
        byte[] big = RandomBytes(Math.Min(Store.MaxAtomicAppendBytes, 8 * MiB) + 5 * MiB + 3, seed: 7);

        long length = await Store.AppendAsync("idx/log/big.wal", big, expectedLength: 0);

        Assert.Equal(big.Length, length);
        Assert.Equal(big, await Store.ReadAllBytesAsync("idx/log/big.wal"));
    }

    [Fact]
    public async Task Append_AtAnotherLengthThanTheFileHas_IsRefused_AndWritesNothing()
    {
        await Store.AppendAsync("idx/log/segment-1.wal", new byte[] { 1, 2, 3 }, expectedLength: 0);

        var behind = await Assert.ThrowsAsync<AppendConflictException>(
            () => Store.AppendAsync("idx/log/segment-1.wal", new byte[] { 9 }, expectedLength: 2));
        var ahead = await Assert.ThrowsAsync<AppendConflictException>(
            () => Store.AppendAsync("idx/log/segment-1.wal", new byte[] { 9 }, expectedLength: 5));

        Assert.Equal(3, behind.ActualLength);
        Assert.Equal(3, ahead.ActualLength);
        Assert.Equal(new byte[] { 1, 2, 3 }, await Store.ReadAllBytesAsync("idx/log/segment-1.wal"));
    }

    [Fact]
    public async Task Append_ToAMissingFileAtANonZeroLength_IsRefused()
    {
        var e = await Assert.ThrowsAsync<AppendConflictException>(() => Store.AppendAsync("idx/log/gone.wal", new byte[] { 1 }, expectedLength: 10));

        Assert.Null(e.ActualLength);
        Assert.False(await Store.ExistsAsync("idx/log/gone.wal"));
    }

    [Fact]
    public async Task ReadAllBytes_MissingName_ThrowsFileNotFound()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => Store.ReadAllBytesAsync("idx/log/none.wal"));
    }

    protected string WriteLocal(string fileName, byte[] bytes)
    {
        var path = Path.Combine(WorkDir, fileName);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string[] Sorted(IReadOnlyList<string> names) => names.Order(StringComparer.Ordinal).ToArray();

    private static void AssertSameBytes(string expectedPath, string actualPath)
    {
        var expected = File.ReadAllBytes(expectedPath);
        var actual = File.ReadAllBytes(actualPath);
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"{actualPath} differs from {expectedPath}.");
    }

    private void AssertNoPartFiles()
    {
        var leftovers = Directory.EnumerateFiles(WorkDir, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".part", StringComparison.Ordinal) || f.Contains(".tmp", StringComparison.Ordinal))
            .ToArray();
        Assert.Empty(leftovers);
    }
}
