using HyperdOrleans.Engine.Ivf;

namespace HyperdOrleans.Engine.Tests;

/// <summary>The SQ8 quantiser alone: per-dimension error bound, clamping, trimmed range, asymmetric query scoring.</summary>
public sealed class ScalarQuantizerTests
{
    private const int D = 16;

    [Fact]
    public void InRangeValuesDecodeWithinHalfAStep()
    {
        float[] rows = TestVectors.Unit(TestVectors.RandomRows(2000, D, seed: 3), D);
        ScalarQuantizer sq = ScalarQuantizer.Train(rows, D, trim: 0);

        for (int i = 0; i < rows.Length; i++)
        {
            int j = i % D;
            float x = rows[i];
            float error = MathF.Abs(sq.Decode(sq.Encode(x, j), j) - x);

            // Untrimmed, every training value lies in [min, min + 255 step]; allow float rounding of the step.
            Assert.True(error <= (sq.Step[j] / 2) + 1e-6f, $"dimension {j}: |decode(encode({x})) - {x}| = {error} exceeds step/2 = {sq.Step[j] / 2}");
        }
    }

    [Fact]
    public void OutOfRangeValuesClampToTheEndCodes()
    {
        float[] rows = TestVectors.Unit(TestVectors.RandomRows(500, D, seed: 4), D);
        ScalarQuantizer sq = ScalarQuantizer.Train(rows, D, trim: 0);

        for (int j = 0; j < D; j++)
        {
            float max = sq.Min[j] + (sq.Step[j] * 255);
            Assert.Equal(0, sq.Encode(sq.Min[j] - 1f, j));
            Assert.Equal(255, sq.Encode(max + 1f, j));
            Assert.Equal(sq.Min[j], sq.Decode(0, j));
            Assert.Equal(max, sq.Decode(255, j), 5);
        }
    }

    [Fact]
    public void TrimmingIgnoresAnOutlierThatWouldStretchTheRange()
    {
        float[] rows = TestVectors.RandomRows(10_000, D, seed: 5);
        rows[7 * D] = 1000f; // one wild value in dimension 0

        ScalarQuantizer raw = ScalarQuantizer.Train(rows, D, trim: 0);
        ScalarQuantizer trimmed = ScalarQuantizer.Train(rows, D, trim: 0.001);

        Assert.True(raw.Step[0] > 3f, $"untrimmed step {raw.Step[0]} should span the outlier");
        Assert.True(trimmed.Step[0] < 2.01f / 255 * 1.01f, $"trimmed step {trimmed.Step[0]} should span about [-1, 1) only");
        Assert.Equal(255, trimmed.Encode(1000f, 0));
    }

    [Fact]
    public void QueryWeightsAndBiasGiveTheDotProductWithTheDecodedRow()
    {
        float[] rows = TestVectors.Unit(TestVectors.RandomRows(300, D, seed: 6), D);
        ScalarQuantizer sq = ScalarQuantizer.Train(rows, D);
        float[] query = TestVectors.Unit(TestVectors.RandomRows(1, D, seed: 7), D);
        var weights = new float[D];
        float bias = sq.PrepareQuery(query, weights);

        for (int r = 0; r < 300; r++)
        {
            double viaCodes = bias;
            double viaDecoded = 0;
            for (int j = 0; j < D; j++)
            {
                byte code = sq.Encode(rows[(r * D) + j], j);
                viaCodes += weights[j] * code;
                viaDecoded += query[j] * sq.Decode(code, j);
            }

            Assert.Equal(viaDecoded, viaCodes, 4);
        }
    }

    [Fact]
    public void ConstantDimensionGetsAPositiveStep()
    {
        var rows = new float[100 * 2];
        for (int i = 0; i < 100; i++)
        {
            rows[i * 2] = 0.5f;
            rows[(i * 2) + 1] = i / 100f;
        }

        ScalarQuantizer sq = ScalarQuantizer.Train(rows, 2);

        Assert.True(sq.Step[0] > 0);
        Assert.Equal(0.5f, sq.Decode(sq.Encode(0.5f, 0), 0));
    }
}
