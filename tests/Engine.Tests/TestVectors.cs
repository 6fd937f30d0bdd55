using HyperdOrleans.Evaluation.Data;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Search;

namespace HyperdOrleans.Engine.Tests;

/// <summary>Small helpers shared by the tests: seeded vectors, files and result comparisons.</summary>
internal static class TestVectors
{
    /// <summary>Seeded rows with components uniform in [-1, 1): never zero in practice, and with no ties between dot products.</summary>
    public static float[] RandomRows(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        var rows = new float[count * dimensions];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = (random.NextSingle() * 2f) - 1f;
        }

        return rows;
    }

    /// <summary>A normalised copy, made by the engine's own normalisation (the same floats the index stores).</summary>
    public static float[] Unit(float[] rows, int dimensions)
    {
        float[] copy = (float[])rows.Clone();
        VectorMath.NormalizeRows(copy, dimensions, 0, "test rows");
        return copy;
    }

    /// <summary>Synthetic rows in memory (the same rows <see cref="SyntheticData.WriteFile"/> writes).</summary>
    public static float[] SyntheticRows(
        SyntheticKind kind,
        int dimensions,
        int count,
        int seed,
        SyntheticData.Stream stream = SyntheticData.Stream.Base,
        int centers = SyntheticData.DefaultCenters)
    {
        var rows = new float[count * dimensions];
        new SyntheticData(kind, dimensions, seed, stream, centers).Fill(rows);
        return rows;
    }

    /// <summary>Writes a synthetic set and opens it.</summary>
    public static VectorFile WriteSynthetic(
        string path,
        SyntheticKind kind,
        int dimensions,
        long count,
        int seed,
        SyntheticData.Stream stream = SyntheticData.Stream.Base,
        int centers = SyntheticData.DefaultCenters)
    {
        new SyntheticData(kind, dimensions, seed, stream, centers).WriteFile(path, count);
        return VectorFile.Open(path, dimensions);
    }

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/> (format by extension) and opens it.</summary>
    public static VectorFile WriteRows(string path, float[] rows, int dimensions)
    {
        using (var writer = new VectorFileWriter(path, dimensions))
        {
            writer.Write(rows);
        }

        return VectorFile.Open(path, dimensions);
    }

    public static void AssertIdentical(Neighbor[][] expected, Neighbor[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int q = 0; q < expected.Length; q++)
        {
            Assert.Equal(expected[q], actual[q]);
        }
    }

    /// <summary>Every answer holds exactly k distinct ids, best first.</summary>
    public static void AssertWellFormed(Neighbor[][] answers, int k)
    {
        foreach (Neighbor[] answer in answers)
        {
            Assert.Equal(k, answer.Length);
            Assert.Equal(k, answer.Select(n => n.Id).Distinct().Count());
            for (int i = 1; i < answer.Length; i++)
            {
                Assert.True(NeighborOrder.Instance.Compare(answer[i - 1], answer[i]) < 0, $"results out of order at position {i}");
            }
        }
    }

    /// <summary>Flips the lowest bit of one byte: the smallest possible corruption.</summary>
    public static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        Assert.InRange(offset, 0, stream.Length - 1);
        stream.Position = offset;
        int value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x01));
    }

    /// <summary>A copy of the index at <paramref name="indexDirectory"/> for a test to damage; it lives as long as
    /// <paramref name="owner"/>.</summary>
    public static string CopyIndex(string indexDirectory, TempDirectory owner)
    {
        string copy = owner.File("index");
        CopyDirectory(indexDirectory, copy);
        return copy;
    }

    /// <summary>Copies an index (or any) folder recursively, so a test can damage its own copy.</summary>
    public static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        foreach (string folder in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(folder, Path.Combine(destination, Path.GetFileName(folder)));
        }
    }

    /// <summary>Every file under <paramref name="folder"/>, relative and sorted, for before/after comparisons.</summary>
    public static string[] Listing(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p))
            .Order(StringComparer.Ordinal)];
}
