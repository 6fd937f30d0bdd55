namespace HyperdOrleans.Engine;

/// <summary>Standard normal draws (Box–Muller) from a seeded <see cref="Random"/>, so seeded results repeat exactly.</summary>
internal static class Gaussian
{
    public static float Next(Random random)
    {
        // 1 - u keeps the logarithm's argument in (0, 1].
        double u = 1.0 - random.NextDouble();
        double v = random.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * v));
    }

    /// <summary>Independent draws: a uniformly random direction once normalised.</summary>
    public static void Fill(Span<float> values, Random random)
    {
        for (int j = 0; j < values.Length; j++)
        {
            values[j] = Next(random);
        }
    }
}
