using System.Globalization;
using System.Text;
using HyperdOrleans.Engine.Storage;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace HyperdOrleans.Grains.Hosting;

/// <summary>
/// Grain state in files, for the embedded single silo (no external service, and an index survives a silo
/// restart). One file per grain and state name, in Orleans' binary serialization (version-tolerant through the
/// state types' [Id]s), replaced atomically (temp, fsync, rename). The ETag is a write counter stored in the
/// file, checked on write, so two activations of one grain cannot overwrite each other unnoticed.
/// Only for silos that share one disk: a multi-silo cluster uses Azure Storage.
/// </summary>
public sealed class FileGrainStorage(string directory, Serializer serializer) : IGrainStorage
{
    private readonly string _directory = Path.GetFullPath(directory);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string path = PathOf(stateName, grainId);
        if (!File.Exists(path))
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        byte[] bytes = await File.ReadAllBytesAsync(path);
        long version = BitConverter.ToInt64(bytes, 0);
        grainState.State = serializer.Deserialize<T>(bytes.AsMemory(sizeof(long)));
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string path = PathOf(stateName, grainId);
        long stored = File.Exists(path) ? await ReadVersionAsync(path) : 0;
        long expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        if (stored != expected)
        {
            throw new InconsistentStateException(
                $"state '{stateName}' of {grainId} was written elsewhere (version {stored}, this activation read {expected}).",
                stored.ToString(CultureInfo.InvariantCulture),
                grainState.ETag ?? "");
        }

        byte[] payload = serializer.SerializeToArray(grainState.State);
        var bytes = new byte[sizeof(long) + payload.Length];
        BitConverter.TryWriteBytes(bytes, stored + 1);
        payload.CopyTo(bytes, sizeof(long));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await Task.Run(() => AtomicFile.WriteAllBytes(path, bytes));
        grainState.ETag = (stored + 1).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        File.Delete(PathOf(stateName, grainId));
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }

    private static async Task<long> ReadVersionAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var head = new byte[sizeof(long)];
        await stream.ReadExactlyAsync(head);
        return BitConverter.ToInt64(head);
    }

    /// <summary>Grain ids hold '/' and other characters a file name cannot: the key is hex-encoded, the type kept readable.</summary>
    private string PathOf(string stateName, GrainId grainId) =>
        Path.Combine(
            _directory,
            stateName,
            grainId.Type.ToString()!.Replace('/', '_'),
            Convert.ToHexString(Encoding.UTF8.GetBytes(grainId.Key.ToString()!)) + ".state");
}
