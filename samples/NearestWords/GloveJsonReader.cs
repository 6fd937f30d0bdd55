using System.Buffers.Binary;
using System.Runtime.InteropServices;
using HyperdOrleans.Evaluation.Data;

namespace HyperdOrleans.NearestWords;

/// <summary>
/// Converts the wink GloVe JSON, streamed by the engine's <see cref="GloveJson"/>, into an .fvecs row and a
/// words line per word, in file order.
/// </summary>
internal static class GloveJsonReader
{
    public const int Dimensions = GloveJson.Dimensions;

    public static int Convert(Stream json, Stream fvecs, TextWriter words)
    {
        var count = new byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(count, Dimensions);
        return GloveJson.Parse(json, (word, vector, _) =>
        {
            fvecs.Write(count);
            fvecs.Write(MemoryMarshal.AsBytes(vector));
            words.WriteLine(word);
        });
    }
}
