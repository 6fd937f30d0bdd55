namespace HyperdOrleans.Engine.Io;

/// <summary>
/// A vector data set on disk, described by its header only: nothing is read into memory until a
/// <see cref="VectorFileReader"/> streams its rows. Ids are the 0-based row numbers. Immutable, thread-safe.
/// </summary>
public sealed record VectorFile(string Path, VectorFileFormat Format, int Dimensions, long Count, long DataOffset)
{
    /// <summary>Bytes before each row's values (the fvecs count).</summary>
    internal int RowPrefixBytes => Format == VectorFileFormat.Fvecs ? sizeof(int) : 0;

    internal long RowStrideBytes => RowPrefixBytes + ((long)Dimensions * sizeof(float));

    /// <summary>Opens <paramref name="path"/>, choosing the format by extension (.fvecs, .npy, anything else raw).</summary>
    /// <param name="dimensions">Required for raw files; checked against the header for the others.</param>
    public static VectorFile Open(string path, int? dimensions = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Vector file '{path}' does not exist.", path);
        }

        VectorFile file = System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".fvecs" => FvecsHeader.Read(path),
            ".npy" => NpyHeader.Read(path),
            _ => OpenRaw(path, dimensions),
        };

        if (dimensions is int expected && expected != file.Dimensions)
        {
            throw new InvalidDataException($"'{path}' holds {file.Dimensions}-dimensional vectors, but {expected} were expected.");
        }

        if (file.Count == 0)
        {
            throw new InvalidDataException($"'{path}' holds no vectors.");
        }

        return file;
    }

    /// <summary>Starts a sequential reader at <paramref name="firstRow"/>.</summary>
    public VectorFileReader OpenReader(long firstRow = 0) => new(this, firstRow);

    /// <summary>Reads rows [first, first+count) into a new array (for query sets and tests, not for base sets).</summary>
    public float[] ReadRows(long first, int count)
    {
        var rows = new float[checked(count * Dimensions)];
        using VectorFileReader reader = OpenReader(first);
        int read = reader.ReadRows(rows);
        return read == count ? rows : throw new EndOfStreamException($"'{Path}' ended after {first + read} of {first + count} rows.");
    }

    private static VectorFile OpenRaw(string path, int? dimensions)
    {
        if (dimensions is not int d || d <= 0)
        {
            throw new ArgumentException($"'{path}' is read as raw float32; give its dimensions (--dims).");
        }

        long length = new FileInfo(path).Length;
        long stride = (long)d * sizeof(float);
        if (length % stride != 0)
        {
            throw new InvalidDataException($"'{path}' has {length} bytes, not a whole number of {d}-dimensional float32 rows.");
        }

        return new VectorFile(path, VectorFileFormat.Raw, d, length / stride, 0);
    }
}
