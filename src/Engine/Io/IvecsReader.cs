using System.Buffers.Binary;

namespace HyperdOrleans.Engine.Io;

/// <summary>Reads a whole .ivecs file (result and ground-truth files are small: k ids per query).</summary>
public static class IvecsReader
{
    public static int[][] ReadAll(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var rows = new List<int[]>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < sizeof(int))
            {
                throw new InvalidDataException($"'{path}' ends inside the count of row {rows.Count}: truncated?");
            }

            int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            offset += sizeof(int);
            if (count < 0 || (long)count * sizeof(int) > bytes.Length - offset)
            {
                throw new InvalidDataException($"'{path}' row {rows.Count} declares {count} values, more than the file holds: truncated?");
            }

            var row = new int[count];
            for (int i = 0; i < count; i++, offset += sizeof(int))
            {
                row[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            }

            rows.Add(row);
        }

        return [.. rows];
    }
}
