using System.Diagnostics;
using System.Net;
using System.Text;

namespace HyperdOrleans.Storage.Tests;

/// <summary>
/// Starts a real Azurite (from the repository's node_modules, in memory, on free loopback ports) for the test
/// collection and stops it afterwards. Azure calls against a missing emulator only fail after about 27 s of
/// retries, so the fixture waits for Azurite's own readiness answer (403 to an unsigned request) before any test runs.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180); // generous: node starts slowly on a loaded 2-core machine

    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>An explicit connection string for this Azurite's ports (<c>UseDevelopmentStorage=true</c> would mean the default ports).</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot();
        var azurite = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {azurite}. Run `npm ci` in {root} (package.json pins azurite 3.37.0), then run the tests again.");
        }
        // A port taken between choosing and binding makes Azurite exit at once; new ports fix that.
        for (var attempt = 1; ; attempt++)
        {
            var ports = FreePorts.Take(3);
            if (await TryStartAsync(azurite, root, ports[0], ports[1], ports[2]))
            {
                ConnectionString =
                    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
                    $"AccountKey={AccountKey};" +
                    $"BlobEndpoint=http://127.0.0.1:{ports[0]}/devstoreaccount1;" +
                    $"QueueEndpoint=http://127.0.0.1:{ports[1]}/devstoreaccount1;" +
                    $"TableEndpoint=http://127.0.0.1:{ports[2]}/devstoreaccount1;";
                return;
            }
            if (attempt == 3)
            {
                throw new InvalidOperationException($"Azurite did not start after {attempt} attempts. Its output:\n{Output()}");
            }
        }
    }

    public Task DisposeAsync()
    {
        Stop();
        return Task.CompletedTask;
    }

    private async Task<bool> TryStartAsync(string azurite, string root, int blobPort, int queuePort, int tablePort)
    {
        var start = new ProcessStartInfo(azurite)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blobPort}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queuePort}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{tablePort}",
        })
        {
            start.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var probes = new[]
        {
            $"http://127.0.0.1:{blobPort}/devstoreaccount1?comp=list",
            $"http://127.0.0.1:{tablePort}/devstoreaccount1/Tables",
        };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ReadyTimeout)
        {
            if (process.HasExited)
            {
                Stop();
                return false;
            }
            if (await AllForbiddenAsync(http, probes))
            {
                return true;
            }
            await Task.Delay(200);
        }
        Stop();
        throw new TimeoutException(
            $"Azurite did not answer its readiness probe within {ReadyTimeout.TotalSeconds} s on ports {blobPort}/{tablePort}. Its "
                + $"output:\n{Output()}");
    }

    private static async Task<bool> AllForbiddenAsync(HttpClient http, string[] urls)
    {
        foreach (var url in urls)
        {
            try
            {
                using var response = await http.GetAsync(url);
                if (response.StatusCode != HttpStatusCode.Forbidden)
                {
                    return false;
                }
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }
        return true;
    }

    private void Stop()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "package.json")) && File.Exists(Path.Combine(dir.FullName, "HyperdOrleans.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No repository root (package.json beside HyperdOrleans.sln) above {AppContext.BaseDirectory}.");
    }
}

/// <summary>Every test class that needs Azurite joins this collection, so one Azurite serves the whole run.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
