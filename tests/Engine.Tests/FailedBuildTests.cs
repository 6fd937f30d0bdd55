using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>A build that fails part-way leaves the previous generation's manifest and files serving, untouched.</summary>
public sealed class FailedBuildTests : IDisposable
{
    private const int D = 8;
    private const int N = 3000;

    private static readonly IndexBuildOptions Options = new() { MinPointsPerCluster = 50, LshSampleSize = 100 };

    private readonly TempDirectory _folder = new("failed-build");
    private readonly string _index;
    private readonly float[] _queries = TestVectors.RandomRows(10, D, seed: 99);
    private readonly string[] _listingBefore;
    private readonly byte[] _manifestBefore;
    private readonly Neighbor[][] _answersBefore;

    public FailedBuildTests()
    {
        _index = _folder.File("index");
        VectorFile good = TestVectors.WriteRows(_folder.File("good.fvecs"), TestVectors.RandomRows(N, D, seed: 1), D);
        IndexBuilder.Build(new VectorFileSource(good), _index, Options);
        _listingBefore = TestVectors.Listing(_index);
        _manifestBefore = File.ReadAllBytes(ManifestStore.PathIn(_index));
        using VectorIndex index = VectorIndex.Open(_index);
        _answersBefore = index.SearchBatch(_queries, 10);
    }

    [Fact]
    public void NaNRowFarIntoTheInputLeavesThePreviousGenerationServing()
    {
        float[] rows = TestVectors.RandomRows(N, D, seed: 2);
        rows[(2950 * D) + 5] = float.NaN;
        VectorFile bad = TestVectors.WriteRows(_folder.File("bad.fvecs"), rows, D);

        var error = Assert.Throws<InvalidVectorException>(() => IndexBuilder.Build(new VectorFileSource(bad), _index, Options));

        Assert.Contains("row 2950", error.Message);
        AssertPreviousGenerationServes();
    }

    [Fact]
    public void CancellationWhileBucketFilesAreWrittenLeavesThePreviousGenerationServing()
    {
        VectorFile next = TestVectors.WriteRows(_folder.File("next.fvecs"), TestVectors.RandomRows(N, D, seed: 3), D);
        using var cancel = new CancellationTokenSource();
        string[] halfWritten = [];
        var cancelWhileWriting = new ActionProgress<BuildProgress>(p =>
        {
            if (p.Phase == "write" && !cancel.IsCancellationRequested)
            {
                halfWritten = TestVectors.Listing(_index);
                cancel.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => IndexBuilder.Build(
            new VectorFileSource(next),
            _index,
            Options,
            cancelWhileWriting,
            cancel.Token));

        // The failure really happened half-way: the new generation's folder held files when the build stopped.
        Assert.Contains(halfWritten, path => path.StartsWith(ManifestStore.GenerationFolder(2), StringComparison.Ordinal));
        AssertPreviousGenerationServes();
    }

    [Fact]
    public void TheNextGoodBuildAfterAFailureSucceeds()
    {
        float[] rows = TestVectors.RandomRows(N, D, seed: 2);
        rows[2000 * D] = float.PositiveInfinity;
        VectorFile bad = TestVectors.WriteRows(_folder.File("bad.fvecs"), rows, D);
        Assert.Throws<InvalidVectorException>(() => IndexBuilder.Build(new VectorFileSource(bad), _index, Options));

        VectorFile next = TestVectors.WriteRows(_folder.File("next.fvecs"), TestVectors.RandomRows(N, D, seed: 3), D);
        IndexManifest manifest = IndexBuilder.Build(new VectorFileSource(next), _index, Options);

        Assert.Equal(2, manifest.Generation);
        using VectorIndex index = VectorIndex.Open(_index);
        Assert.Equal(2, index.Generation);
        Assert.Equal(next.Path, index.Manifest.Build.Source);
    }

    [Fact]
    public void ACorruptedManifestDoesNotBlockTheRebuildThatRepairsIt()
    {
        string manifestPath = ManifestStore.PathIn(_index);
        byte[] bytes = File.ReadAllBytes(manifestPath);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(manifestPath, bytes);
        Assert.Throws<IndexFormatException>(() => VectorIndex.Open(_index));

        VectorFile next = TestVectors.WriteRows(_folder.File("next.fvecs"), TestVectors.RandomRows(N, D, seed: 3), D);
        IndexManifest manifest = IndexBuilder.Build(new VectorFileSource(next), _index, Options);

        // The folder of generation 1 is still on disk, so the repair takes the next number rather than reusing it.
        Assert.Equal(2, manifest.Generation);
        using VectorIndex index = VectorIndex.Open(_index);
        Assert.Equal(N, index.Count);
    }

    private void AssertPreviousGenerationServes()
    {
        Assert.Equal(_listingBefore, TestVectors.Listing(_index));
        Assert.Equal(_manifestBefore, File.ReadAllBytes(ManifestStore.PathIn(_index)));
        using VectorIndex index = VectorIndex.Open(_index, verify: true);
        Assert.Equal(1, index.Generation);
        TestVectors.AssertIdentical(_answersBefore, index.SearchBatch(_queries, 10));
    }

    public void Dispose() => _folder.Dispose();
}
