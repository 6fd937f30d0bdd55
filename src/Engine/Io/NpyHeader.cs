using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace HyperdOrleans.Engine.Io;

/// <summary>Parses and writes the header of a 2-D float32 .npy file.</summary>
internal static partial class NpyHeader
{
    // Spelled as bytes: the literal "\x93NUMPY"u8 would UTF-8-encode U+0093 as C2 93, a 7-byte magic no reader accepts.
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static VectorFile Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> prefix = stackalloc byte[12];
        if (stream.ReadAtLeast(prefix, 10, throwOnEndOfStream: false) < 10 || !prefix[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{path}' is not an .npy file (no \\x93NUMPY magic).");
        }

        int major = prefix[6];
        int headerLength;
        int fixedLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
            fixedLength = 10;
        }
        else if (major is 2 or 3)
        {
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]));
            fixedLength = 12;
        }
        else
        {
            throw new InvalidDataException($"'{path}' has .npy format version {major}; versions 1, 2 and 3 are supported.");
        }

        var header = new byte[headerLength];
        stream.Position = fixedLength;
        stream.ReadExactly(header);
        string dict = Encoding.Latin1.GetString(header);

        Match descr = DescrPattern().Match(dict);
        if (!descr.Success || descr.Groups[1].Value is not ("<f4" or "float32"))
        {
            throw new InvalidDataException($"'{path}' holds dtype {(descr.Success ? descr.Groups[1].Value : "?")}; little-endian float32 ('<f4') is "
                + $"required.");
        }

        if (FortranPattern().Match(dict) is { Success: true } fortran && fortran.Groups[1].Value == "True")
        {
            throw new InvalidDataException($"'{path}' is in Fortran order; save it in C order (numpy.ascontiguousarray).");
        }

        Match shape = ShapePattern().Match(dict);
        if (!shape.Success)
        {
            throw new InvalidDataException($"'{path}' has no 2-D shape in its header: {dict.Trim()}");
        }

        long rows = long.Parse(shape.Groups[1].Value);
        int d = int.Parse(shape.Groups[2].Value);
        long dataOffset = fixedLength + headerLength;
        long expected = dataOffset + (rows * d * sizeof(float));
        if (d <= 0 || stream.Length < expected)
        {
            throw new InvalidDataException($"'{path}' declares shape ({rows}, {d}) but has {stream.Length} bytes; {expected} are needed: truncated?");
        }

        return new VectorFile(path, VectorFileFormat.Npy, d, rows, dataOffset);
    }

    /// <summary>A version 1.0 header padded to <see cref="Length"/> bytes so the row count can be patched in place.</summary>
    public const int Length = 128;

    public static byte[] Build(long rows, int dimensions)
    {
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dimensions}), }}";
        int dictLength = Length - 10;
        string padded = dict.PadRight(dictLength - 1) + "\n";
        var bytes = new byte[Length];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)dictLength);
        Encoding.Latin1.GetBytes(padded, bytes.AsSpan(10));
        return bytes;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(\s*(\d+)\s*,\s*(\d+)\s*,?\s*\)")]
    private static partial Regex ShapePattern();
}
