using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace HyperdOrleans.NearestWords;

/// <summary>
/// Streams the wink GloVe JSON (<c>{"words": [...], "vectors": {"the": [100 floats, norm, index], ...}, ...}</c>)
/// with <see cref="Utf8JsonReader"/> over a refilled buffer: a DOM of the 307 MB file would cost several GB.
/// Writes each word's first 100 components as an .fvecs row and the word as a line, in file order.
/// </summary>
internal static class GloveJsonReader
{
    public const int Dimensions = 100;

    public static int Convert(Stream json, Stream fvecs, TextWriter words)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var parser = new Parser(fvecs, words);
            var state = new JsonReaderState();
            var length = 0;
            var final = false;
            while (!final)
            {
                if (length == buffer.Length)
                {
                    // One token larger than the buffer (never with this file, but cheap to allow).
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = json.Read(buffer, length, buffer.Length - length);
                final = read == 0;
                length += read;

                var reader = new Utf8JsonReader(buffer.AsSpan(0, length), final, state);
                parser.Consume(ref reader);
                state = reader.CurrentState;
                // Keep the unread tail (a token cut by the buffer's end) for the next round.
                var consumed = (int)reader.BytesConsumed;
                buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
                length -= consumed;
            }
            return parser.Count;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Where the reader is in the document; kept across buffer refills.</summary>
    private sealed class Parser(Stream fvecs, TextWriter words)
    {
        private readonly byte[] _row = new byte[4 + Dimensions * 4];
        private bool _inVectors;
        private string? _word;
        private int _component;

        public int Count { get; private set; }

        public void Consume(ref Utf8JsonReader reader)
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    // Depth 1: the top-level keys; only "vectors" matters.
                    case JsonTokenType.PropertyName when reader.CurrentDepth == 1:
                        _inVectors = reader.ValueTextEquals("vectors");
                        break;
                    case JsonTokenType.PropertyName when _inVectors && reader.CurrentDepth == 2:
                        _word = reader.GetString();
                        _component = 0;
                        BinaryPrimitives.WriteInt32LittleEndian(_row, Dimensions);
                        break;
                    case JsonTokenType.Number when _inVectors && reader.CurrentDepth == 3:
                        // After the 100 components come the norm and the word's index: not part of the vector.
                        if (_component < Dimensions)
                        {
                            BinaryPrimitives.WriteSingleLittleEndian(_row.AsSpan(4 + _component * 4), reader.GetSingle());
                        }
                        _component++;
                        break;
                    case JsonTokenType.EndArray when _inVectors && reader.CurrentDepth == 2:
                        if (_component < Dimensions || _word is null)
                        {
                            throw new InvalidDataException($"word #{Count} ('{_word}') has {_component} numbers, fewer than {Dimensions}.");
                        }
                        fvecs.Write(_row);
                        words.WriteLine(_word);
                        Count++;
                        break;
                    case JsonTokenType.EndObject when reader.CurrentDepth == 1:
                        _inVectors = false;
                        break;
                }
            }
        }
    }
}
