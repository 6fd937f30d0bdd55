using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace HyperdOrleans.Engine.Storage;

/// <summary>
/// The layout shared by every binary index file (FAISS's fourcc sections, plus checksums):
/// <code>
/// 0   magic      4 ASCII bytes naming the file kind
/// 4   version    u32
/// 8   dimensions u32
/// 12  clusters   u32
/// 16  count      u64   vectors
/// 24  sections   u32
/// 28  reserved   u32   zero
/// 32  section table: per section {tag 4 ASCII, reserved u32, offset u64, length u64, xxhash64 u64}
/// ..  header xxhash64 of every byte before it
/// </code>
/// Sections start on 64-byte boundaries so that mapped vectors are cache-line aligned. A changed layout gets a
/// new version and the reader keeps reading the old one.
/// </summary>
public static class SectionedFile
{
    public const int CurrentVersion = 1;
    public const int Alignment = 64;
    private const int FixedHeaderBytes = 32;
    private const int EntryBytes = 32;

    public static long HeaderBytes(int sections) => FixedHeaderBytes + (sections * EntryBytes) + sizeof(ulong);

    /// <summary>Plans where each section goes: returns their offsets and the file's total length.</summary>
    public static (long[] Offsets, long Length) Plan(ReadOnlySpan<long> sectionLengths)
    {
        var offsets = new long[sectionLengths.Length];
        long position = Align(HeaderBytes(sectionLengths.Length));
        for (int i = 0; i < sectionLengths.Length; i++)
        {
            offsets[i] = position;
            position = Align(position + sectionLengths[i]);
        }

        return (offsets, position);
    }

    /// <summary>Checksums the sections already written into <paramref name="file"/> and writes the header in front of them.</summary>
    public static ulong WriteHeader(
        MappedFile file,
        FileHeader header,
        ReadOnlySpan<string> tags,
        ReadOnlySpan<long> offsets,
        ReadOnlySpan<long> lengths)
    {
        int headerBytes = (int)HeaderBytes(tags.Length);
        Span<byte> bytes = file.Slice<byte>(0, headerBytes);
        Encoding.ASCII.GetBytes(header.Magic, bytes[..4]);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[4..], (uint)header.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], (uint)header.Dimensions);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[12..], (uint)header.Clusters);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[16..], (ulong)header.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[24..], (uint)tags.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[28..], 0);
        for (int i = 0; i < tags.Length; i++)
        {
            Span<byte> entry = bytes.Slice(FixedHeaderBytes + (i * EntryBytes), EntryBytes);
            Encoding.ASCII.GetBytes(tags[i], entry[..4]);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], 0);
            BinaryPrimitives.WriteInt64LittleEndian(entry[8..], offsets[i]);
            BinaryPrimitives.WriteInt64LittleEndian(entry[16..], lengths[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[24..], Checksum(file, offsets[i], lengths[i]));
        }

        ulong headerChecksum = XxHash64.HashToUInt64(bytes[..(headerBytes - sizeof(ulong))]);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[(headerBytes - sizeof(ulong))..], headerChecksum);
        return headerChecksum;
    }

    /// <summary>
    /// Reads and validates the header of <paramref name="file"/>: magic, version, section table, header checksum,
    /// and with <paramref name="verifySections"/> every section's checksum. Every failure names the file and the bad value.
    /// </summary>
    public static ReadResult Read(MappedFile file, string expectedMagic, ReadOnlySpan<string> expectedTags, bool verifySections) =>
        Read(file, expectedMagic, expectedTags.ToArray(), expectedTags.Length, verifySections);

    /// <summary>
    /// As <see cref="Read(MappedFile, string, ReadOnlySpan{string}, bool)"/> for a file whose sections depend on its contents
    /// (a fields file's on its schema): any ASCII tags, at most <paramref name="maxSections"/>; the caller checks the tags.
    /// </summary>
    public static ReadResult ReadAny(MappedFile file, string expectedMagic, int maxSections, bool verifySections) =>
        Read(file, expectedMagic, expectedTags: null, maxSections, verifySections);

    private static ReadResult Read(MappedFile file, string expectedMagic, string[]? expectedTags, int maxSections, bool verifySections)
    {
        string path = file.Path;
        if (file.Length < FixedHeaderBytes)
        {
            throw new IndexFormatException(path, $"{file.Length} bytes is too short for a header: truncated?");
        }

        ReadOnlySpan<byte> fixedPart = file.Slice<byte>(0, FixedHeaderBytes);
        string magic = Encoding.ASCII.GetString(fixedPart[..4]);
        if (magic != expectedMagic)
        {
            throw new IndexFormatException(path, $"magic is '{Printable(magic)}', expected '{expectedMagic}': not this kind of index file.");
        }

        int version = (int)BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[4..]);
        if (version < 1 || version > CurrentVersion)
        {
            throw new IndexFormatException(path, $"format version {version} is not supported (this build reads 1 to {CurrentVersion}).");
        }

        uint sections = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[24..]);
        if (expectedTags is not null && sections != expectedTags.Length)
        {
            throw new IndexFormatException(path, $"the header lists {sections} sections; a '{expectedMagic}' file has {expectedTags.Length}.");
        }

        if (sections > maxSections)
        {
            throw new IndexFormatException(path, $"the header lists {sections} sections; a '{expectedMagic}' file has at most {maxSections}.");
        }

        int count = (int)sections;
        int headerBytes = (int)HeaderBytes(count);
        if (file.Length < headerBytes)
        {
            throw new IndexFormatException(path, $"{file.Length} bytes is too short for its {headerBytes}-byte header: truncated?");
        }

        ReadOnlySpan<byte> header = file.Slice<byte>(0, headerBytes);
        ulong storedHeaderChecksum = BinaryPrimitives.ReadUInt64LittleEndian(header[(headerBytes - sizeof(ulong))..]);
        ulong actualHeaderChecksum = XxHash64.HashToUInt64(header[..(headerBytes - sizeof(ulong))]);
        if (storedHeaderChecksum != actualHeaderChecksum)
        {
            throw new IndexFormatException(
                path,
                $"header checksum mismatch (stored {storedHeaderChecksum:x16}, computed {actualHeaderChecksum:x16}): the header is corrupted.");
        }

        var fileHeader = new FileHeader(
            magic,
            version,
            (int)BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[8..]),
            (int)BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[12..]),
            (long)BinaryPrimitives.ReadUInt64LittleEndian(fixedPart[16..]));

        var result = new Section[count];
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = header.Slice(FixedHeaderBytes + (i * EntryBytes), EntryBytes);
            string tag = Encoding.ASCII.GetString(entry[..4]);
            long offset = BinaryPrimitives.ReadInt64LittleEndian(entry[8..]);
            long length = BinaryPrimitives.ReadInt64LittleEndian(entry[16..]);
            ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]);
            if (expectedTags is not null ? tag != expectedTags[i] : Printable(tag) != tag)
            {
                string expected = expectedTags?[i] ?? "four letters or digits";
                throw new IndexFormatException(path, $"section {i} is '{Printable(tag)}', expected '{expected}'.");
            }

            if (offset < headerBytes || length < 0 || offset % Alignment != 0 || offset + length > file.Length)
            {
                throw new IndexFormatException(
                    path,
                    $"section '{tag}' at offset {offset} with {length} bytes does not fit the file's {file.Length} bytes: truncated?");
            }

            if (verifySections)
            {
                ulong actual = Checksum(file, offset, length);
                if (actual != checksum)
                {
                    throw new IndexFormatException(
                        path,
                        $"section '{tag}' checksum mismatch (stored {checksum:x16}, computed {actual:x16}): the data is corrupted.");
                }
            }

            result[i] = new Section(tag, offset, length, checksum);
        }

        return new ReadResult(fileHeader, result, storedHeaderChecksum);
    }

    private static ulong Checksum(MappedFile file, long offset, long length)
    {
        var hash = new XxHash64();
        const int Chunk = 1 << 30;
        for (long done = 0; done < length; done += Chunk)
        {
            hash.Append(file.Slice<byte>(offset + done, (int)Math.Min(Chunk, length - done)));
        }

        return hash.GetCurrentHashAsUInt64();
    }

    private static long Align(long position) => (position + Alignment - 1) / Alignment * Alignment;

    private static string Printable(string text) => new(text.Select(c => char.IsAsciiLetterOrDigit(c) || c == ' ' ? c : '?').ToArray());

    public sealed record FileHeader(string Magic, int Version, int Dimensions, int Clusters, long Count);

    public sealed record Section(string Tag, long Offset, long Length, ulong Checksum);

    public sealed record ReadResult(FileHeader Header, Section[] Sections, ulong HeaderChecksum);
}
