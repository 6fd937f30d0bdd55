using HyperdOrleans.Engine.Storage;

namespace HyperdOrleans.Engine.Ivf;

/// <summary>
/// Writes a <see cref="QuantizedListsFile"/> from a finished float32 lists file, cluster by cluster (the mapped
/// lists are already in the final order, so no second pass over the spill is needed). Temp file, flush, rename.
/// </summary>
public static class QuantizedListsWriter
{
    /// <summary>Encodes every row of <paramref name="lists"/>; returns the new file's header checksum.</summary>
    public static ulong Write(string path, ScalarQuantizer quantizer, InvertedLists lists, CancellationToken cancellationToken = default)
    {
        int d = lists.Dimensions;
        if (quantizer.Dimensions != d)
        {
            throw new ArgumentException($"the quantiser has {quantizer.Dimensions} dimensions; the lists have {d}.", nameof(quantizer));
        }

        long[] lengths = QuantizedListsFile.SectionLengths(d, lists.Clusters, lists.Count);
        (long[] offsets, long length) = SectionedFile.Plan(lengths);
        string temp = AtomicFile.TempPathFor(path);
        try
        {
            ulong checksum;
            using (MappedFile file = MappedFile.CreateWrite(temp, length))
            {
                quantizer.Min.CopyTo(file.Slice<float>(offsets[0], d));
                quantizer.Step.CopyTo(file.Slice<float>(offsets[1], d));
                Span<long> rowOffsets = file.Slice<long>(offsets[2], lists.Clusters + 1);
                long row = 0;
                for (int c = 0; c < lists.Clusters; c++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    rowOffsets[c] = row;
                    ReadOnlySpan<float> vectors = lists.Vectors(c);
                    int rows = lists.ListSize(c);
                    Span<byte> codes = file.Slice<byte>(offsets[3] + (row * d), rows * d);
                    for (int r = 0; r < rows; r++)
                    {
                        for (int j = 0; j < d; j++)
                        {
                            codes[(j * rows) + r] = quantizer.Encode(vectors[(r * d) + j], j);
                        }
                    }

                    row += rows;
                }

                rowOffsets[lists.Clusters] = row;
                var header = new SectionedFile.FileHeader(QuantizedListsFile.Magic, SectionedFile.CurrentVersion, d, lists.Clusters, lists.Count);
                checksum = SectionedFile.WriteHeader(file, header, QuantizedListsFile.Tags, offsets, lengths);
                file.Flush();
            }

            AtomicFile.Commit(temp, path);
            return checksum;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
