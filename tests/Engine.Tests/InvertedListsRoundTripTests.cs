using HyperdOrleans.Engine.Ivf;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The inverted lists file: rows added in any order come back grouped by cluster, in their order of arrival.</summary>
public sealed class InvertedListsRoundTripTests : IDisposable
{
    private const int D = 6;

    private readonly TempDirectory _folder = new("lists");

    [Fact]
    public void RowsReadBackGroupedByCluster()
    {
        long[] sizes = [3, 0, 5, 1, 0, 2];
        var random = new Random(1);
        // Interleave the clusters' rows randomly, as the assignment pass produces them.
        int[] labels = [.. sizes.SelectMany((s, c) => Enumerable.Repeat(c, (int)s)).OrderBy(_ => random.Next())];
        float[] rows = TestVectors.RandomRows(labels.Length, D, seed: 2);
        long[] ids = [.. Enumerable.Range(0, labels.Length).Select(i => 1_000_000_000_000L + (i * 17))];
        string path = _folder.File("b.lists");
        ulong written;
        using (var writer = new InvertedListsWriter(path, D, sizes))
        {
            for (int i = 0; i < labels.Length; i++)
            {
                writer.Add(labels[i], ids[i], rows.AsSpan(i * D, D));
            }

            written = writer.Commit();
        }

        using InvertedLists lists = InvertedLists.Open(path, D, sizes.Length, verify: true);

        Assert.Equal(written, lists.HeaderChecksum);
        Assert.Equal(labels.Length, lists.Count);
        for (int c = 0; c < sizes.Length; c++)
        {
            int[] members = [.. Enumerable.Range(0, labels.Length).Where(i => labels[i] == c)];
            Assert.Equal(sizes[c], lists.ListSize(c));
            Assert.Equal(members.Select(i => ids[i]), lists.Ids(c).ToArray());
            Assert.Equal(members.SelectMany(i => rows.AsSpan(i * D, D).ToArray()), lists.Vectors(c).ToArray());
        }
    }

    [Fact]
    public void ClusterFilledShortOrOverIsRefusedAndNothingIsLeft()
    {
        string path = _folder.File("b.lists");
        using (var writer = new InvertedListsWriter(path, D, [2, 1]))
        {
            writer.Add(0, 1, new float[D]);
            writer.Add(1, 2, new float[D]);

            var over = Assert.Throws<InvalidOperationException>(() => writer.Add(1, 3, new float[D]));
            Assert.Contains("cluster 1 received more rows than its counted size 1", over.Message);

            var shortError = Assert.Throws<InvalidOperationException>(() => writer.Commit());
            Assert.Contains("cluster 0 received 1 rows of its counted 2", shortError.Message);
        }

        Assert.Empty(TestVectors.Listing(_folder.Path)); // neither the file nor its temporary
    }

    [Fact]
    public void OtherClusterCountThanTheCentroidsIsRefused()
    {
        string path = _folder.File("b.lists");
        using (var writer = new InvertedListsWriter(path, D, [1, 0]))
        {
            writer.Add(0, 9, new float[D]);
            writer.Commit();
        }

        var error = Assert.Throws<Storage.IndexFormatException>(() => InvertedLists.Open(path, D, 3, verify: true));

        Assert.Contains("holds 2 clusters; its centroid file has 3", error.Message);
    }

    public void Dispose() => _folder.Dispose();
}
