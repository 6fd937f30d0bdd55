using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Cli.Tests;

/// <summary><c>--lsh-planes</c> through the tool: principal by default, random on request, bad values refused.</summary>
public sealed class LshPlanesCliTests(TinyDataFixture data) : IClassFixture<TinyDataFixture>
{
    [Fact]
    public void Random_planes_are_the_engines_random_fit_and_differ_from_the_default()
    {
        string principal = data.PathFor("planes-principal");
        string random = data.PathFor("planes-random");
        CliRun.Of("build", "--input", data.BasePath, "--index", principal, "--threads", "2").Succeeded();
        CliRun.Of("build", "--input", data.BasePath, "--index", random, "--threads", "2", "--lsh-planes", "random").Succeeded();

        LshHasher byDefault = ManifestStore.Read(principal).ToHasher();
        LshHasher byRequest = ManifestStore.Read(random).ToHasher();

        Assert.NotEqual(byDefault.Planes.ToArray(), byRequest.Planes.ToArray());

        // Principal directions are orthogonal; independent random directions in d dimensions are not.
        Assert.All(PairwiseCosines(byDefault), c => Assert.True(Math.Abs(c) < 1e-3, $"principal planes at cosine {c}"));
        Assert.Contains(PairwiseCosines(byRequest), c => Math.Abs(c) > 1e-3);
    }

    private static IEnumerable<float> PairwiseCosines(LshHasher hasher)
    {
        int d = hasher.Dimensions;
        float[] planes = hasher.Planes.ToArray();
        for (int a = 0; a < LshHasher.PlaneCount; a++)
        {
            for (int b = a + 1; b < LshHasher.PlaneCount; b++)
            {
                yield return System.Numerics.Tensors.TensorPrimitives.Dot(planes.AsSpan(a * d, d), planes.AsSpan(b * d, d));
            }
        }
    }

    [Fact]
    public void A_bad_planes_value_is_refused()
    {
        CliRun run = CliRun.Of("build", "--input", data.BasePath, "--index", data.PathFor("bad-planes"), "--lsh-planes", "pca");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("pca", run.Error);
        Assert.Contains("principal", run.Error);
        Assert.False(ManifestStore.Exists(data.PathFor("bad-planes")));
    }
}
