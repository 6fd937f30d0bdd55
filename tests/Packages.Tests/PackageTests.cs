namespace HyperdOrleans.Packages.Tests;

/// <summary>
/// What the README's package instructions promise, done as a new user does it: the packages a Release build packs, the
/// hyperd tool installed from them, and an app of its own that references only HyperdOrleans.Client and
/// HyperdOrleans.Server, creates an index from the client, fills, searches, lists and drops it.
/// </summary>
public sealed class PackageTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public void EveryPackageTheReadmeNamesIsPacked()
    {
        string[] packed = [.. Directory.EnumerateFiles(feed.Folder, "*.nupkg").Select(Path.GetFileName)!];

        Assert.Equal(
            [
                "HyperdOrleans.Abstractions", "HyperdOrleans.Client", "HyperdOrleans.Engine", "HyperdOrleans.Server", "HyperdOrleans.Tool",
                "HyperdOrleans.VectorData",
            ],
            packed.Select(p => p![..p!.IndexOf($".{feed.Version}", StringComparison.Ordinal)]).Order());
    }

    [Fact]
    public void TheToolInstallsFromThePackagesAndRuns()
    {
        string tools = Path.Combine(feed.Root, "tools");
        Dotnet.Run(
                "dotnet",
                feed.Root,
                Long,
                "tool", "install", "--tool-path", tools, "HyperdOrleans.Tool", "--version", feed.Version, "--add-source", feed.Folder)
            .Succeeded("dotnet tool install");

        Dotnet help = Dotnet.Run(Path.Combine(tools, "hyperd"), feed.Root, TimeSpan.FromMinutes(1), "--help").Succeeded("hyperd --help");
        Assert.Contains("build", help.Output);
        Assert.Contains("search", help.Output);
    }

    [Fact]
    public void AnAppOnThePackagesAloneCreatesFillsSearchesListsAndDropsAnIndex_AndACollectionOfRecords()
    {
        string app = Path.Combine(feed.Root, "app");
        Directory.CreateDirectory(app);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "App", "Program.cs"), Path.Combine(app, "Program.cs"));
        File.WriteAllText(
            Path.Combine(app, "App.csproj"),
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "App", "App.csproj.template"))
                .Replace("@VERSION@", feed.Version, StringComparison.Ordinal)
                .Replace("@HOSTING@", feed.HostingVersion, StringComparison.Ordinal));

        // The machine's own sources stay (its NuGet configuration), with the folder feed added as a user would.
        File.WriteAllText(
            Path.Combine(app, "nuget.config"),
            $"<configuration><packageSources><add key=\"hyperd\" value=\"{feed.Folder}\" /></packageSources></configuration>");
        Dotnet.Run("dotnet", app, Long, "restore").Succeeded("dotnet restore of the app");
        Dotnet.Run("dotnet", app, Long, "build", "--no-restore", "-c", "Release").Succeeded("dotnet build of the app");

        Dotnet run = Dotnet.Run(
                "dotnet",
                app,
                Long,
                "run", "--no-build", "-c", "Release", "--",
                PackageFeed.Text(PackageFeed.FreePort()), PackageFeed.Text(PackageFeed.FreePort()), Path.Combine(feed.Root, "data"))
            .Succeeded("the app");
        Assert.Contains("top hit: 5", run.Output);
        Assert.Contains("indexes: docs", run.Output);
        Assert.Contains("dropped: True", run.Output);
        Assert.Contains("nearest note: note-8", run.Output);
        Assert.Contains("nearest home notes: home\n", run.Output);
        Assert.Contains("note-3 topic: home", run.Output);
        Assert.Contains("note-3 after delete: True", run.Output);
        Assert.Contains("collections: notes", run.Output);
        Assert.Contains("notes exists: False", run.Output);
    }
}
