using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Tests;

/// <summary>A rebuild switches the directory to a new generation; readers of older generations are not disturbed.</summary>
public sealed class GenerationTests : IDisposable
{
    private const int D = 12;
    private const int N = 2000;
    private const int K = 10;

    private static readonly IndexBuildOptions Options = new() { MinPointsPerCluster = 50 };

    private readonly TempDirectory _folder = new("generations");
    private readonly float[] _queries = TestVectors.RandomRows(15, D, seed: 100);

    [Fact]
    public void RebuildSwitchesGenerationWhileOldReadersKeepTheirAnswers()
    {
        string index = _folder.File("index");
        IndexManifest first = Build(index, seed: 1);
        Assert.Equal(1, first.Generation);
        using VectorIndex reader1 = VectorIndex.Open(index, verify: true);
        Neighbor[][] answers1 = reader1.SearchBatch(_queries, K);

        IndexManifest second = Build(index, seed: 2);

        Assert.Equal(2, second.Generation);
        Assert.Equal(2, ManifestStore.Read(index).Generation);
        Assert.All(second.Buckets, b => Assert.StartsWith(ManifestStore.GenerationFolder(2) + Path.DirectorySeparatorChar, b.ListsFile));
        Assert.True(
            Directory.Exists(Path.Combine(index, ManifestStore.GenerationFolder(1))),
            "the previous generation must stay on disk for its readers");
        Assert.Equal(1, reader1.Generation);
        TestVectors.AssertIdentical(answers1, reader1.SearchBatch(_queries, K));

        using VectorIndex reader2 = VectorIndex.Open(index, verify: true);
        Assert.Equal(2, reader2.Generation);
        Neighbor[][] answers2 = reader2.SearchBatch(_queries, K);
        Assert.NotEqual(answers1[0], answers2[0]); // other data: the switch is real

        IndexManifest third = Build(index, seed: 3);

        Assert.Equal(3, third.Generation);
        Assert.False(Directory.Exists(Path.Combine(index, ManifestStore.GenerationFolder(1))), "generations older than the previous one are pruned");
        Assert.True(Directory.Exists(Path.Combine(index, ManifestStore.GenerationFolder(2))));
        Assert.True(Directory.Exists(Path.Combine(index, ManifestStore.GenerationFolder(3))));
        // Both old readers still answer from their own (mapped) files, even the one whose folder is gone.
        TestVectors.AssertIdentical(answers1, reader1.SearchBatch(_queries, K));
        TestVectors.AssertIdentical(answers2, reader2.SearchBatch(_queries, K));
    }

    [Fact]
    public void RebuildKeepsTheDirectorysSearchDefaults()
    {
        string index = _folder.File("index");
        IndexManifest first = Build(index, seed: 1);
        ManifestStore.Write(index, first with { Defaults = new SearchDefaults(3, 7) });

        IndexManifest second = Build(index, seed: 2);

        Assert.Equal(new SearchDefaults(3, 7), second.Defaults);
        using VectorIndex reader = VectorIndex.Open(index);
        Assert.Equal(new SearchParameters(3, 7), reader.DefaultParameters);
    }

    private IndexManifest Build(string index, int seed)
    {
        VectorFile data = TestVectors.WriteRows(_folder.File($"data-{seed}.fvecs"), TestVectors.RandomRows(N, D, seed), D);
        return IndexBuilder.Build(new VectorFileSource(data), index, Options);
    }

    public void Dispose() => _folder.Dispose();
}
