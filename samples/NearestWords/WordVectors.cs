using System.Buffers.Binary;

namespace HyperdOrleans.NearestWords;

/// <summary>The words (in memory, about 340k strings) and their vectors (read from the .fvecs file by row when asked).</summary>
internal sealed class WordVectors
{
    private const int RowBytes = 4 + GloveJsonReader.Dimensions * 4;

    private readonly string[] _words;
    private readonly Dictionary<string, long> _ids;
    private readonly string _vectorsPath;

    private WordVectors(string[] words, string vectorsPath)
    {
        _words = words;
        _vectorsPath = vectorsPath;
        _ids = new Dictionary<string, long>(words.Length, StringComparer.Ordinal);
        for (var i = 0; i < words.Length; i++)
        {
            // The first spelling wins if the file ever had a duplicate: ids stay row numbers either way.
            _ids.TryAdd(words[i], i);
        }
    }

    public int Count => _words.Length;

    public static async Task<WordVectors> OpenAsync(GloveFiles files) => new(await File.ReadAllLinesAsync(files.WordsPath), files.VectorsPath);

    public string Word(long id) => id >= 0 && id < _words.Length ? _words[id] : $"#{id}";

    public bool TryGetVector(string word, out long id, out float[] vector)
    {
        vector = [];
        if (!_ids.TryGetValue(word, out id))
        {
            return false;
        }
        var row = new byte[RowBytes];
        using var handle = File.OpenHandle(_vectorsPath);
        RandomAccess.Read(handle, row, id * RowBytes);
        vector = new float[GloveJsonReader.Dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(row.AsSpan(4 + i * 4));
        }
        return true;
    }
}
