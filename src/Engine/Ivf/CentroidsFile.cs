using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>A bucket's k-means centroids on disk: magic <c>HDCQ</c>, one section <c>CENT</c> of k × d float32.</summary>
public static class CentroidsFile
{
    public const string Magic = "HDCQ";
    private static readonly string[] Tags = ["CENT"];

    /// <summary>Writes <paramref name="centroids"/> atomically; returns the file's header checksum.</summary>
    public static ulong Write(string path, ReadOnlySpan<float> centroids, int dimensions)
    {
        int k = centroids.Length / dimensions;
        long[] lengths = [(long)centroids.Length * sizeof(float)];
        (long[] offsets, long length) = SectionedFile.Plan(lengths);
        string temp = AtomicFile.TempPathFor(path);
        ulong checksum;
        using (MappedFile file = MappedFile.CreateWrite(temp, length))
        {
            centroids.CopyTo(file.Slice<float>(offsets[0], centroids.Length));
            checksum = SectionedFile.WriteHeader(
                file,
                new SectionedFile.FileHeader(Magic, SectionedFile.CurrentVersion, dimensions, k, k),
                Tags,
                offsets,
                lengths);
            file.Flush();
        }

        AtomicFile.Commit(temp, path);
        return checksum;
    }

    /// <summary>Reads and validates the centroids; they are small (k × d), so they are copied out and the file closed.</summary>
    public static float[] Read(string path, int dimensions, bool verify, out ulong headerChecksum)
    {
        using MappedFile file = OpenExisting(path);
        SectionedFile.ReadResult read = SectionedFile.Read(file, Magic, Tags, verify);
        SectionedFile.FileHeader header = read.Header;
        if (header.Dimensions != dimensions)
        {
            throw new IndexFormatException(path, $"holds {header.Dimensions}-dimensional centroids; the index has {dimensions} dimensions.");
        }

        if (header.Clusters < 1 || header.Clusters > InvertedListsFile.MaxClusters)
        {
            throw new IndexFormatException(path, $"cluster count {header.Clusters} is out of range (1 to {InvertedListsFile.MaxClusters}).");
        }

        long expected = (long)header.Clusters * dimensions * sizeof(float);
        if (read.Sections[0].Length != expected)
        {
            throw new IndexFormatException(
                path,
                $"section 'CENT' has {read.Sections[0].Length} bytes; {header.Clusters} centroids of {dimensions} floats need {expected}.");
        }

        float[] centroids = file.Slice<float>(read.Sections[0].Offset, header.Clusters * dimensions).ToArray();
        int bad = Array.FindIndex(centroids, v => !float.IsFinite(v));
        if (bad >= 0)
        {
            throw new IndexFormatException(path, $"centroid {bad / dimensions} has a non-finite value ({centroids[bad]}).");
        }

        headerChecksum = read.HeaderChecksum;
        return centroids;
    }

    internal static MappedFile OpenExisting(string path)
    {
        if (!File.Exists(path))
        {
            throw new IndexFormatException(path, "the file is missing.");
        }

        return MappedFile.OpenRead(path);
    }
}
