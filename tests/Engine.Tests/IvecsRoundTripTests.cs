using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Engine.Tests;

/// <summary>.ivecs result files: rows of any length, including empty ones, read back equal.</summary>
public sealed class IvecsRoundTripTests : IDisposable
{
    private readonly TempDirectory _folder = new("ivecs");

    [Fact]
    public void WrittenRowsReadBackEqual()
    {
        var random = new Random(1);
        int[][] rows = [.. Enumerable.Range(0, 50)
            .Select(r => Enumerable.Range(0, r % 13).Select(_ => random.Next(int.MinValue, int.MaxValue)).ToArray())];
        string path = _folder.File("ids.ivecs");
        using (var writer = new IvecsWriter(path))
        {
            foreach (int[] row in rows)
            {
                writer.WriteRow(row);
            }
        }

        int[][] read = IvecsReader.ReadAll(path);

        Assert.Equal(rows.Length, read.Length);
        for (int r = 0; r < rows.Length; r++)
        {
            Assert.Equal(rows[r], read[r]);
        }
    }

    [Fact]
    public void TruncatedFileIsRefused()
    {
        string path = _folder.File("ids.ivecs");
        using (var writer = new IvecsWriter(path))
        {
            writer.WriteRow([1, 2, 3]);
            writer.WriteRow([4, 5, 6]);
        }

        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^2]);

        var error = Assert.Throws<InvalidDataException>(() => IvecsReader.ReadAll(path));

        Assert.Contains("row 1 declares 3 values", error.Message);
    }

    public void Dispose() => _folder.Dispose();
}
