using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Io;

namespace HyperdOrleans.Cli.Work;

/// <summary>Writes answers as .ivecs: one row of ids per query, best first.</summary>
internal static class ResultsFile
{
    public static void Write(string path, Neighbor[][] results)
    {
        // .ivecs holds int32 while ids are 64-bit: check every id before writing, so a failure leaves no half-written file.
        for (int q = 0; q < results.Length; q++)
        {
            foreach (Neighbor neighbor in results[q])
            {
                if (neighbor.Id is > int.MaxValue or < 0)
                {
                    throw new CliException($"query {q} returned id {neighbor.Id}, which does not fit in the int32 ids of an .ivecs file.");
                }
            }
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        using var writer = new IvecsWriter(path);
        var row = new int[results.Length == 0 ? 0 : results.Max(r => r.Length)];
        foreach (Neighbor[] answer in results)
        {
            for (int i = 0; i < answer.Length; i++)
            {
                row[i] = (int)answer[i].Id;
            }

            writer.WriteRow(row.AsSpan(0, answer.Length));
        }
    }
}
