using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Client;

namespace HyperdOrleans.NearestWords;

/// <summary>Builds the words' index in the cluster once; later runs find it there (it survives silo restarts).</summary>
internal static class WordIndex
{
    public static async Task EnsureBuiltAsync(HyperdClient hyperd, string index, GloveFiles files, int words, bool rebuild, TextWriter log)
    {
        var status = await hyperd.StatusAsync(index);
        if (status.Exists && status.Count == words && !rebuild)
        {
            log.WriteLine($"index '{index}': {status.Count:N0} words, generation {status.Generation}");
            return;
        }

        // The silo that runs the index grain reads the file by path: fine on one machine or a shared disk.
        log.WriteLine($"building index '{index}' from {files.VectorsPath} in the cluster...");
        var clock = Stopwatch.StartNew();
        var built = await hyperd.BuildAsync(index, new BuildRequest(files.VectorsPath));
        log.WriteLine($"index '{index}': {built.Count:N0} words, generation {built.Generation}, built in {clock.Elapsed.TotalSeconds:F0} s");
    }
}
