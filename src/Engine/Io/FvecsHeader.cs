using System.Buffers.Binary;

namespace HyperdOrleans.Engine.Io;

/// <summary>Reads the shape of an .fvecs file from its first row and its length.</summary>
internal static class FvecsHeader
{
    public const int MaxDimensions = 1 << 16;

    public static VectorFile Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> first = stackalloc byte[sizeof(int)];
        if (stream.ReadAtLeast(first, first.Length, throwOnEndOfStream: false) < first.Length)
        {
            throw new InvalidDataException($"'{path}' is too short to be an .fvecs file.");
        }

        int d = BinaryPrimitives.ReadInt32LittleEndian(first);
        if (d <= 0 || d > MaxDimensions)
        {
            throw new InvalidDataException(
                $"'{path}' starts with {d}: an .fvecs row begins with its dimension, which must be between 1 and {MaxDimensions}.");
        }

        long stride = sizeof(int) + ((long)d * sizeof(float));
        if (stream.Length % stride != 0)
        {
            throw new InvalidDataException($"'{path}' has {stream.Length} bytes, not a whole number of {d}-dimensional .fvecs rows ({stride} bytes "
                + $"each): truncated?");
        }

        return new VectorFile(path, VectorFileFormat.Fvecs, d, stream.Length / stride, 0);
    }
}
