using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;

namespace HyperdOrleans.Packages.Tests;

/// <summary>
/// The repository's packages, packed once for the tests from the Release build (<c>dotnet pack --no-build</c>) into a
/// folder feed, under a version of this run's own, so a package cached by an earlier run is never the one tested.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    public PackageFeed()
    {
        Repository = FindRepository();
        Root = Path.Combine(Path.GetTempPath(), $"hyperd-packages-{Guid.NewGuid():N}");
        Folder = Path.Combine(Root, "feed");
        Version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        Dotnet.Run(
                "dotnet",
                Repository,
                TimeSpan.FromMinutes(5),
                "pack", "HyperdOrleans.sln", "-c", "Release", "--no-build", "-o", Folder, $"-p:Version={Version}")
            .Succeeded("dotnet pack (the solution must be built in Release first: dotnet build HyperdOrleans.sln -c Release)");
    }

    public string Repository { get; }

    /// <summary>A scratch folder for the tests, deleted at the end.</summary>
    public string Root { get; }

    public string Folder { get; }

    public string Version { get; }

    /// <summary>The Microsoft.Extensions.Hosting version the repository pins, for the app's own reference.</summary>
    public string HostingVersion => XDocument.Load(Path.Combine(Repository, "Directory.Packages.props")).Descendants("PackageVersion")
        .Single(e => (string?)e.Attribute("Include") == "Microsoft.Extensions.Hosting").Attribute("Version")!.Value;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        // This run's version from the user's package cache too: it is unique, so nothing else will ever use it.
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        IEnumerable<string> cached = Directory.Exists(cache)
            ? Directory.EnumerateDirectories(cache, "hyperdorleans.*").Select(p => Path.Combine(p, Version.ToLowerInvariant()))
            : [];
        foreach (string folder in cached.Append(Root).Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Disk space only.
            }
        }
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HyperdOrleans.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the test runs outside the repository: HyperdOrleans.sln not found above it.");
    }
}
