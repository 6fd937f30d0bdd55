using HyperdOrleans.Engine;

namespace HyperdOrleans.Evaluation.Data;

/// <summary>
/// Seeded, reproducible synthetic vectors. The mixture's centres depend only on the seed, dimensions and
/// centre count, so base rows (<see cref="Stream.Base"/>) and queries (<see cref="Stream.Queries"/>) share them
/// while their noise comes from independent streams. Not thread-safe: one instance per writer.
/// </summary>
public sealed class SyntheticData
{
    /// <summary>Which random stream rows are drawn from: base and query rows never coincide.</summary>
    public enum Stream
    {
        Base = 1,
        Queries = 2,
    }

    public const int DefaultCenters = 1000;
    public const float DefaultSpread = 0.6f;

    private readonly SyntheticKind _kind;
    private readonly int _dimensions;
    private readonly float[] _centers;
    private readonly int _centerCount;
    private readonly float _spread;
    private readonly Random _random;

    public SyntheticData(
        SyntheticKind kind,
        int dimensions,
        int seed,
        Stream stream = Stream.Base,
        int centers = DefaultCenters,
        float spread = DefaultSpread)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(centers, 1);
        _kind = kind;
        _dimensions = dimensions;
        _centerCount = centers;
        _spread = spread;
        _centers = kind == SyntheticKind.Clustered ? MakeCenters(dimensions, centers, seed) : [];
        _random = new Random(Seeds.Derive(seed, (int)stream));
    }

    /// <summary>Fills whole rows of <paramref name="rows"/>.</summary>
    public void Fill(Span<float> rows)
    {
        if (_kind == SyntheticKind.Uniform)
        {
            for (int i = 0; i < rows.Length; i++)
            {
                rows[i] = _random.NextSingle();
            }

            return;
        }

        for (int r = 0; r + _dimensions <= rows.Length; r += _dimensions)
        {
            ReadOnlySpan<float> center = _centers.AsSpan(_random.Next(_centerCount) * _dimensions, _dimensions);
            for (int j = 0; j < _dimensions; j++)
            {
                rows[r + j] = center[j] + (_spread * Gaussian.Next(_random));
            }
        }
    }

    /// <summary>Writes <paramref name="count"/> rows to <paramref name="path"/> (.fvecs, .npy or raw) without holding them.</summary>
    public void WriteFile(string path, long count, IProgress<long>? progress = null)
    {
        const int BlockRows = 8192;
        var block = new float[BlockRows * _dimensions];
        using var writer = new Engine.Io.VectorFileWriter(path, _dimensions);
        for (long done = 0; done < count;)
        {
            int rows = (int)Math.Min(BlockRows, count - done);
            Span<float> span = block.AsSpan(0, rows * _dimensions);
            Fill(span);
            writer.Write(span);
            done += rows;
            progress?.Report(done);
        }
    }

    private static float[] MakeCenters(int dimensions, int count, int seed)
    {
        var random = new Random(Seeds.Derive(seed, 0xce17e5));
        var centers = new float[count * dimensions];
        for (int i = 0; i < centers.Length; i++)
        {
            centers[i] = Gaussian.Next(random);
        }

        return centers;
    }
}
