namespace HyperdOrleans.ClusterCheck;

/// <summary>The vector of an appended id, derived from the id alone, so a verifier can ask for it without a copy of the load.</summary>
internal static class IdVectors
{
    public static float[] For(long id, int dimensions)
    {
        // A seed from the id alone (HashCode is randomised per process): the verifier runs in another process.
        var random = new Random(unchecked((int)(id * 2_654_435_761L ^ (id >> 29))));
        var vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            // Box–Muller: Gaussian components make directions uniform on the sphere, far from any other row.
            double u = 1.0 - random.NextDouble();
            vector[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * random.NextDouble()));
        }

        return vector;
    }
}
