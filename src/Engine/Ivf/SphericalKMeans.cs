using System.Numerics.Tensors;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// Spherical k-means over unit vectors: points join the centroid of highest cosine, centroids are the
/// normalised means of their points. Thread-safe (stateless); each call parallelises over points.
/// </summary>
public static class SphericalKMeans
{
    /// <summary>Trains <paramref name="k"/> unit centroids (row-major, k × d) on <paramref name="points"/> (n × d, unit rows).</summary>
    public static float[] Train(float[] points, int dimensions, int k, KMeansOptions options, CancellationToken cancellationToken = default)
    {
        int n = points.Length / dimensions;
        if (k < 1 || k > n)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k-means needs 1 ≤ k ≤ points; got k = {k} for {n} points.");
        }

        var random = new Random(Seeds.Derive(options.Seed, 0x4ea45));
        float[] centroids = SeedPlusPlus(points, dimensions, k, random, options, cancellationToken);
        var labels = new int[n];
        var best = new float[n];
        Array.Fill(labels, -1);

        for (int iteration = 0; iteration < options.Iterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scorer = new CentroidScorer(centroids, dimensions);
            long changed = Assign(points, dimensions, scorer, labels, best, options);
            centroids = Update(points, dimensions, k, labels, best, random);
            if (changed * 1000 < n)
            {
                break;
            }
        }

        return centroids;
    }

    /// <summary>Assigns every point to its nearest centroid; returns how many changed cluster.</summary>
    private static long Assign(float[] points, int dimensions, CentroidScorer scorer, int[] labels, float[] best, KMeansOptions options)
    {
        int n = labels.Length;
        long changed = 0;
        int chunks = options.EffectiveThreads * 4;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveThreads }, chunk =>
        {
            var scratch = new float[scorer.Count];
            long local = 0;
            for (int i = (int)((long)n * chunk / chunks), end = (int)((long)n * (chunk + 1) / chunks); i < end; i++)
            {
                int label = scorer.Nearest(points.AsSpan(i * dimensions, dimensions), scratch, out best[i]);
                if (label != labels[i])
                {
                    labels[i] = label;
                    local++;
                }
            }

            Interlocked.Add(ref changed, local);
        });
        return changed;
    }

    /// <summary>New centroids as normalised sums; an empty cluster takes the point worst served by its centroid.</summary>
    private static float[] Update(float[] points, int dimensions, int k, int[] labels, float[] best, Random random)
    {
        var sums = new float[k * dimensions];
        var counts = new int[k];
        for (int i = 0; i < labels.Length; i++)
        {
            Span<float> sum = sums.AsSpan(labels[i] * dimensions, dimensions);
            TensorPrimitives.Add(sum, points.AsSpan(i * dimensions, dimensions), sum);
            counts[labels[i]]++;
        }

        int[]? worstFirst = null;
        int nextWorst = 0;
        for (int c = 0; c < k; c++)
        {
            Span<float> centroid = sums.AsSpan(c * dimensions, dimensions);
            float norm = TensorPrimitives.Norm(centroid);
            if (counts[c] > 0 && norm > 0)
            {
                TensorPrimitives.Divide(centroid, norm, centroid);
                continue;
            }

            // Repair: restart the empty cluster at a point far from its centroid, so it splits a spread-out cluster.
            worstFirst ??= WorstServed(best, random);
            int point = worstFirst[nextWorst++ % worstFirst.Length];
            points.AsSpan(point * dimensions, dimensions).CopyTo(centroid);
        }

        return sums;
    }

    private static int[] WorstServed(float[] best, Random random)
    {
        var order = new int[best.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // Sort a copy of the keys: ascending cosine = worst served first. A tiny random jitter breaks ties among duplicates.
        var keys = new float[best.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = best[i] + (random.NextSingle() * 1e-7f);
        }

        Array.Sort(keys, order);
        return order;
    }

    /// <summary>k-means++ seeding with D² weights, where D² = 2 − 2·cos for unit vectors.</summary>
    private static float[] SeedPlusPlus(
        float[] points,
        int dimensions,
        int k,
        Random random,
        KMeansOptions options,
        CancellationToken cancellationToken)
    {
        int n = points.Length / dimensions;
        var centroids = new float[k * dimensions];
        var distance = new float[n];
        Array.Fill(distance, float.MaxValue);
        int chosen = random.Next(n);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.EffectiveThreads, CancellationToken = cancellationToken };
        int chunks = options.EffectiveThreads * 4;
        for (int c = 0; c < k; c++)
        {
            ReadOnlySpan<float> source = points.AsSpan(chosen * dimensions, dimensions);
            source.CopyTo(centroids.AsSpan(c * dimensions, dimensions));
            if (c == k - 1)
            {
                break;
            }

            float[] centroid = source.ToArray();
            // Per-chunk partial sums added in chunk order: the same total (and the same seeding) on every run.
            var partial = new double[chunks];
            Parallel.For(0, chunks, parallel, chunk =>
            {
                double local = 0;
                for (int i = (int)((long)n * chunk / chunks), end = (int)((long)n * (chunk + 1) / chunks); i < end; i++)
                {
                    float d2 = MathF.Max(0f, 2f - (2f * TensorPrimitives.Dot(points.AsSpan(i * dimensions, dimensions), centroid)));
                    if (d2 < distance[i])
                    {
                        distance[i] = d2;
                    }

                    local += distance[i];
                }

                partial[chunk] = local;
            });

            double total = partial.Sum();
            chosen = total > 0 ? Sample(distance, total, random) : random.Next(n);
        }

        return centroids;
    }

    private static int Sample(float[] weights, double total, Random random)
    {
        double target = random.NextDouble() * total;
        for (int i = 0; i < weights.Length; i++)
        {
            target -= weights[i];
            if (target <= 0)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}
