using System.Text;
using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Engine.Tests;

/// <summary>.fvecs, .npy and raw float32 files: what the writer writes, the reader reads back bit for bit.</summary>
public sealed class VectorFileRoundTripTests : IDisposable
{
    private const int D = 7;
    private const int N = 1000;

    private readonly TempDirectory _folder = new("vector-files");
    private readonly float[] _rows = TestVectors.RandomRows(N, D, seed: 1);

    [Theory]
    [InlineData("data.fvecs", VectorFileFormat.Fvecs)]
    [InlineData("data.npy", VectorFileFormat.Npy)]
    [InlineData("data.f32", VectorFileFormat.Raw)]
    public void WrittenRowsReadBackEqual(string name, VectorFileFormat format)
    {
        string path = _folder.File(name);
        using (var writer = new VectorFileWriter(path, D))
        {
            writer.Write(_rows.AsSpan(0, 300 * D)); // in two pieces: the .npy row count is patched at the end
            writer.Write(_rows.AsSpan(300 * D));
            Assert.Equal(N, writer.RowsWritten);
        }

        VectorFile file = VectorFile.Open(path, format == VectorFileFormat.Raw ? D : null);

        Assert.Equal(format, file.Format);
        Assert.Equal(D, file.Dimensions);
        Assert.Equal(N, file.Count);
        Assert.Equal(_rows, file.ReadRows(0, N));
        Assert.Equal(_rows.AsSpan(517 * D, 40 * D).ToArray(), file.ReadRows(517, 40));
    }

    [Fact]
    public void SourceIdsAreRowNumbersAcrossReads()
    {
        VectorFile file = TestVectors.WriteRows(_folder.File("data.fvecs"), _rows, D);
        using IVectorSourceReader reader = new VectorFileSource(file).OpenReader();
        var rows = new float[300 * D];
        var ids = new long[300];
        var allIds = new List<long>();
        var allRows = new List<float>();
        int read;
        while ((read = reader.Read(rows, ids)) > 0)
        {
            allIds.AddRange(ids[..read]);
            allRows.AddRange(rows[..(read * D)]);
        }

        Assert.Equal(Enumerable.Range(0, N).Select(i => (long)i), allIds);
        Assert.Equal(_rows, allRows);
    }

    [Fact]
    public void NpyHeaderIsWhatNumpyWrites()
    {
        TestVectors.WriteRows(_folder.File("data.npy"), _rows, D);
        byte[] bytes = File.ReadAllBytes(_folder.File("data.npy"));

        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' }, bytes[..6]);
        Assert.Equal(1, bytes[6]);
        int headerLength = bytes[8] | (bytes[9] << 8);
        Assert.Equal(0, (10 + headerLength) % 64); // numpy aligns the data
        string header = Encoding.Latin1.GetString(bytes, 10, headerLength);
        Assert.Contains("'descr': '<f4'", header);
        Assert.Contains("'fortran_order': False", header);
        Assert.Contains($"'shape': ({N}, {D})", header);
        Assert.EndsWith("\n", header);
        Assert.Equal(10 + headerLength + (N * D * sizeof(float)), bytes.Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ReadsAnNpyFileBuiltByHandAsNumpyWritesIt(int major)
    {
        // Independent of the engine's writer: the layout from the .npy format specification.
        const string Dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
        int prefix = major == 1 ? 10 : 12;
        int headerLength = ((prefix + Dict.Length + 1 + 63) / 64 * 64) - prefix;
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)headerLength) : BitConverter.GetBytes((uint)headerLength));
        bytes.AddRange(Encoding.Latin1.GetBytes(Dict.PadRight(headerLength - 1) + "\n"));
        float[] values = [1f, -2f, 3.5f, 0.25f, 1e-7f, 6e7f];
        bytes.AddRange(values.SelectMany(BitConverter.GetBytes));
        string path = _folder.File("numpy.npy");
        File.WriteAllBytes(path, [.. bytes]);

        VectorFile file = VectorFile.Open(path);

        Assert.Equal((VectorFileFormat.Npy, 2, 3L), (file.Format, file.Dimensions, file.Count));
        Assert.Equal(values, file.ReadRows(0, 3));
    }

    [Theory]
    [InlineData("data.fvecs")]
    [InlineData("data.npy")]
    [InlineData("data.f32")]
    public void TruncatedFileIsRefused(string name)
    {
        string path = _folder.File(name);
        TestVectors.WriteRows(path, _rows, D);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 3);
        }

        var error = Assert.Throws<InvalidDataException>(() => VectorFile.Open(path, D));

        Assert.Contains(path, error.Message);
        Assert.Contains(name.EndsWith(".f32", StringComparison.Ordinal) ? "not a whole number" : "truncated", error.Message);
    }

    [Fact]
    public void FvecsRowWithAnotherCountIsRefused()
    {
        string path = _folder.File("data.fvecs");
        TestVectors.WriteRows(path, _rows, D);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.Position = 10L * (4 + (D * sizeof(float)));
            stream.WriteByte(D + 1);
        }

        var error = Assert.Throws<InvalidDataException>(() => VectorFile.Open(path).ReadRows(0, N));

        Assert.Contains($"row 10 declares {D + 1} dimensions", error.Message);
    }

    [Fact]
    public void FvecsFileWhoseFirstWordIsNoDimensionIsNamedAsSuch()
    {
        string path = _folder.File("data.fvecs");
        TestVectors.WriteRows(path, _rows, D);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.Write(BitConverter.GetBytes(-5));
        }

        var error = Assert.Throws<InvalidDataException>(() => VectorFile.Open(path));

        Assert.Contains("starts with -5: an .fvecs row begins with its dimension", error.Message);
    }

    public void Dispose() => _folder.Dispose();
}
