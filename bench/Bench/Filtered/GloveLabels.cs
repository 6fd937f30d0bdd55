using System.Text;
using HyperdOrleans.Bench.Data;

namespace HyperdOrleans.Bench.Filtered;

/// <summary>
/// Real categories of the GloVe base rows: each word's index in the package (its frequency rank: the file is sorted by
/// frequency) and the word itself. Derived from the package's JSON once and cached beside the data set as
/// <c>labels.bin</c> (per base row: i32 word index, i32 UTF-8 length, the word).
/// </summary>
public sealed class GloveLabels
{
    private GloveLabels(int[] ranks, string[] words)
    {
        Ranks = ranks;
        Words = words;
    }

    /// <summary>Labels given directly (tests).</summary>
    internal static GloveLabels Create(int[] ranks, string[] words) => new(ranks, words);

    /// <summary>Each base row's word index: 0 is "the", the most frequent word.</summary>
    public int[] Ranks { get; }

    public string[] Words { get; }

    public int Count => Ranks.Length;

    /// <summary>The frequency band of a row: its rank in thousands (0 holds the thousand most frequent words).</summary>
    public long Band(long row) => Ranks[row] / 1000;

    /// <summary>The first character of the row's word, lower case (a digit or a sign for words that start with one).</summary>
    public string Letter(long row) => char.ToLowerInvariant(Words[row][0]).ToString();

    public static GloveLabels Load(string cacheDirectory, TextWriter log)
    {
        string path = Path.Combine(cacheDirectory, "data", "glove-100", "labels.bin");
        if (!File.Exists(path))
        {
            Write(cacheDirectory, path, log);
        }

        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        int count = reader.ReadInt32();
        var ranks = new int[count];
        var words = new string[count];
        for (int i = 0; i < count; i++)
        {
            ranks[i] = reader.ReadInt32();
            words[i] = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadInt32()));
        }

        return new GloveLabels(ranks, words);
    }

    /// <summary>Base rows are the words the data set did not hold out as queries, in file order (<see cref="GloveLoader.QueryRanks"/>).</summary>
    private static void Write(string cacheDirectory, string path, TextWriter log)
    {
        string json = GloveLoader.EnsureJson(Path.Combine(cacheDirectory, "glove"), log);
        int[] queryRank = GloveLoader.QueryRanks(DatasetCatalog.QueryPool, DatasetCatalog.Seed);
        var labels = new List<(int Rank, string Word)>(GloveLoader.Rows);
        log.WriteLine($"  labelling GloVe words from {json}...");
        GloveLoader.Parse(json, (word, _, index) =>
        {
            if (queryRank[index] < 0)
            {
                labels.Add((index, word));
            }
        });
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = path + ".tmp";
        using (var writer = new BinaryWriter(File.Create(temp), Encoding.UTF8))
        {
            writer.Write(labels.Count);
            foreach ((int rank, string word) in labels)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(word);
                writer.Write(rank);
                writer.Write(bytes.Length);
                writer.Write(bytes);
            }
        }

        File.Move(temp, path, overwrite: true);
    }
}
