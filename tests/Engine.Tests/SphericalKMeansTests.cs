using System.Numerics.Tensors;
using HyperdOrleans.Engine.Ivf;

namespace HyperdOrleans.Engine.Tests;

/// <summary>Spherical k-means: unit centroids, no empty clusters, the obvious clusters found, reproducible.</summary>
public sealed class SphericalKMeansTests
{
    private const int D = 16;

    [Fact]
    public void FindsWellSeparatedDirectionsWithUnitCentroids()
    {
        int[] axes = [0, 5, 10, 15];
        (float[] points, int[] truth) = AroundAxes(axes, perAxis: 100, noise: 0.05f, seed: 1);

        float[] centroids = SphericalKMeans.Train(points, D, axes.Length, new KMeansOptions { Seed = 3, Threads = 2 });

        AssertUnit(centroids);
        int[] labels = Assign(points, centroids);
        // Each true group lands in exactly one cluster, and each cluster holds exactly one group.
        for (int g = 0; g < axes.Length; g++)
        {
            Assert.Single(labels.Where((_, i) => truth[i] == g).Distinct());
        }

        Assert.Equal(axes.Length, labels.Distinct().Count());
        foreach (int axis in axes)
        {
            Assert.Contains(Enumerable.Range(0, axes.Length), c => centroids[(c * D) + axis] > 0.99f);
        }
    }

    [Fact]
    public void NoClusterIsLeftEmpty()
    {
        // More clusters than natural groups, and k-means++ seeding can put two seeds in one group: the empty-cluster
        // repair must leave every one of the k centroids serving points.
        (float[] points, _) = AroundAxes([.. Enumerable.Range(0, D)], perAxis: 60, noise: 0.3f, seed: 2);
        const int K = 40;

        float[] centroids = SphericalKMeans.Train(points, D, K, new KMeansOptions { Seed = 4, Threads = 2 });

        AssertUnit(centroids);
        int[] sizes = new int[K];
        foreach (int label in Assign(points, centroids))
        {
            sizes[label]++;
        }

        Assert.All(sizes, size => Assert.True(size > 0, "a cluster is empty"));
    }

    [Fact]
    public void SameSeedGivesTheSameCentroids()
    {
        (float[] points, _) = AroundAxes([1, 2, 3, 4, 5, 6], perAxis: 50, noise: 0.4f, seed: 5);

        float[] a = SphericalKMeans.Train((float[])points.Clone(), D, 12, new KMeansOptions { Seed = 8, Threads = 1 });
        float[] b = SphericalKMeans.Train((float[])points.Clone(), D, 12, new KMeansOptions { Seed = 8, Threads = 2 });
        float[] c = SphericalKMeans.Train((float[])points.Clone(), D, 12, new KMeansOptions { Seed = 9, Threads = 1 });

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void MoreClustersThanPointsIsRefused()
    {
        float[] points = TestVectors.Unit(TestVectors.RandomRows(5, D, seed: 6), D);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SphericalKMeans.Train(points, D, 6, new KMeansOptions()));

        Assert.Contains("k = 6 for 5 points", error.Message);
    }

    private static (float[] Points, int[] Truth) AroundAxes(int[] axes, int perAxis, float noise, int seed)
    {
        var random = new Random(seed);
        var points = new float[axes.Length * perAxis * D];
        var truth = new int[axes.Length * perAxis];
        for (int i = 0; i < truth.Length; i++)
        {
            truth[i] = i % axes.Length;
            Span<float> point = points.AsSpan(i * D, D);
            for (int j = 0; j < D; j++)
            {
                point[j] = noise * ((random.NextSingle() * 2f) - 1f);
            }

            point[axes[truth[i]]] += 1f;
        }

        return (TestVectors.Unit(points, D), truth);
    }

    private static int[] Assign(float[] points, float[] centroids)
    {
        int k = centroids.Length / D;
        var labels = new int[points.Length / D];
        var scores = new float[k];
        for (int i = 0; i < labels.Length; i++)
        {
            for (int c = 0; c < k; c++)
            {
                scores[c] = TensorPrimitives.Dot(points.AsSpan(i * D, D), centroids.AsSpan(c * D, D));
            }

            labels[i] = TensorPrimitives.IndexOfMax(scores);
        }

        return labels;
    }

    private static void AssertUnit(float[] centroids)
    {
        for (int c = 0; c < centroids.Length / D; c++)
        {
            float norm = TensorPrimitives.Norm(centroids.AsSpan(c * D, D));
            Assert.True(Math.Abs(norm - 1f) < 1e-5f, $"centroid {c} has norm {norm}");
        }
    }
}
