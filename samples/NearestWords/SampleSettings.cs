using System.Globalization;
using HyperdOrleans.Client;
using Microsoft.Extensions.Configuration;

namespace HyperdOrleans.NearestWords;

/// <summary>The sample's command line: <c>--k</c> neighbours, <c>--index</c> name, <c>--rebuild</c>, <c>--cache</c> folder.</summary>
internal sealed record SampleSettings(int K, string Index, bool Rebuild, string CacheDirectory)
{
    public static SampleSettings Parse(string[] args)
    {
        var k = int.Parse(Value(args, "--k") ?? "10", CultureInfo.InvariantCulture);
        if (k is < 1 or > 100)
        {
            throw new ArgumentException($"--k must be 1-100, got {k}.");
        }
        return new SampleSettings(
            k,
            Value(args, "--index") ?? "glove",
            args.Contains("--rebuild"),
            Value(args, "--cache") ?? GloveFiles.DefaultCacheDirectory);
    }

    /// <summary>
    /// The client's own section (<c>Hyperd:Client</c>) wins; otherwise the silo-side variables that
    /// <c>infra/.run/cluster.env</c> exports are taken, so one <c>source</c> points both the tools and this app at the cluster.
    /// </summary>
    public static void UseInfraClusterIfConfigured(IConfiguration config, HyperdClientOptions options)
    {
        if (options.AzureStorageConnectionString is { Length: > 0 } || config["Hyperd:Azure:ConnectionString"] is not { Length: > 0 } connection)
        {
            return;
        }
        options.AzureStorageConnectionString = connection;
        options.ClusterId = config["Hyperd:ClusterId"] is { Length: > 0 } cluster ? cluster : options.ClusterId;
        options.ServiceId = config["Hyperd:ServiceId"] is { Length: > 0 } service ? service : options.ServiceId;
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
