namespace HyperdOrleans.Engine;

/// <summary>
/// Derives independent, reproducible sub-seeds (SplitMix64). <see cref="HashCode"/> is not used on purpose:
/// it is randomised per process, and every seeded result here must be the same on every run.
/// </summary>
public static class Seeds
{
    public static int Derive(int seed, int stream)
    {
        ulong z = ((ulong)(uint)seed << 32) ^ (uint)stream;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & int.MaxValue);
    }
}
