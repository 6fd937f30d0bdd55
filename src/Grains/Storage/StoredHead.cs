namespace HyperdOrleans.Grains.Storage;

/// <summary>The length of a stored file and its first bytes: enough to check a vector file's header without copying the file.</summary>
public sealed record StoredHead(long Length, byte[] Bytes);
