// Nearest words: GloVe vectors in a HyperdOrleans cluster, queried through the client SDK from this app's own host.
//
//   dotnet run --project samples/NearestWords [-- --k 10 --index glove --rebuild]
//
// With no configuration the client dials a localhost silo's gateway (the embedded default: dotnet run --project
// src/Silo). After `source infra/.run/cluster.env` it finds the infra cluster through its Azure membership table.
using HyperdOrleans.Client;
using HyperdOrleans.NearestWords;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var settings = SampleSettings.Parse(args);
// The data first: it needs no cluster, and a first run spends most of its time here.
var glove = await GloveFiles.EnsureAsync(settings.CacheDirectory, Console.Error, CancellationToken.None);
var words = await WordVectors.OpenAsync(glove);

// No args: the host would read "--k 5" as configuration keys; settings come from the environment (Hyperd__Client__...).
var builder = Host.CreateApplicationBuilder();
// Orleans logs connection details at Information on stdout; the answers are what this app prints.
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddHyperdClient(options => SampleSettings.UseInfraClusterIfConfigured(builder.Configuration, options));
using var host = builder.Build();
await host.StartAsync();

var hyperd = host.Services.GetRequiredService<HyperdClient>();
await WordIndex.EnsureBuiltAsync(hyperd, settings.Index, glove, words.Count, settings.Rebuild, Console.Error);

var interactive = !Console.IsInputRedirected;
if (interactive)
{
    Console.Error.WriteLine("type a word (empty line or Ctrl-D to quit)");
}
while (true)
{
    if (interactive)
    {
        Console.Error.Write("> ");
    }
    var word = Console.ReadLine()?.Trim().ToLowerInvariant();
    if (string.IsNullOrEmpty(word))
    {
        break;
    }
    if (!words.TryGetVector(word, out var id, out var vector))
    {
        Console.WriteLine($"{word}: not among the {words.Count:N0} words");
        continue;
    }
    // One more than asked: the word itself is its own nearest neighbour (score 1).
    var hits = await hyperd.SearchAsync(settings.Index, vector, settings.K + 1);
    var neighbours = hits.Ids.Zip(hits.Scores).Where(h => h.First != id).Take(settings.K);
    Console.WriteLine($"{word}: {string.Join(", ", neighbours.Select(h => $"{words.Word(h.First)} {h.Second:F2}"))}");
}

await host.StopAsync();
