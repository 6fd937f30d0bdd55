using HyperdOrleans.Abstractions;
using HyperdOrleans.Cli.Console;
using Spectre.Console;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>An index as the cluster reports it: generation, counts, pending data, a running rebuild and the last one.</summary>
internal static class ClusterStatusReport
{
    public static void Print(CliContext context, IndexStatus status)
    {
        if (!status.Exists)
        {
            context.Ui.WriteLine($"index '{status.Index}': no generation built yet; pending operations {status.PendingOperations:N0}");
        }
        else
        {
            context.Ui.WriteLine($"index '{status.Index}': generation {status.Generation}, {status.Count:N0} vectors x {status.Dimensions}, pending "
                + $"operations {status.PendingOperations:N0} (appends and deletes since the generation was built)");
            PrintBuckets(context, status);
        }

        if (status.Silo is { Length: > 0 } silo)
        {
            context.Ui.WriteLine($"index grain (writer, rebuilds) on {ClusterBuildRun.ShortSilo(silo)}");
        }

        if (status.WriteFault is { } fault)
        {
            context.Ui.WriteLine($"WRITES REFUSED: {fault}");
        }

        if (status.Rebuild is { } rebuild)
        {
            TimeSpan running = DateTimeOffset.UtcNow - rebuild.StartedUtc;
            string partition = rebuild.PartitionTotal > 0 ? $", partition {100.0 * rebuild.PartitionDone / rebuild.PartitionTotal:F0}%"
                : string.Empty;
            context.Ui.WriteLine($"rebuild running: generation {rebuild.Generation}, phase {rebuild.Phase}{partition}, for "
                + $"{running.TotalSeconds:F0} s");
            foreach (BuildJobStatus job in rebuild.Jobs)
            {
                string progress = job.Total > 0 ? $" {100.0 * job.Done / job.Total:F0}%" : string.Empty;
                string name = job.Shard is { } shard ? $"bucket {job.Bucket} shard {shard}" : $"bucket {job.Bucket}";
                context.Ui.WriteLine($"  {name}: {job.State.ToString().ToLowerInvariant()}, {job.Phase}{progress} on "
                    + $"{ClusterBuildRun.ShortSilo(job.Silo)}");
            }
        }
        else
        {
            context.Ui.WriteLine("rebuild running: none");
        }

        if (status.LastRebuild is { } last)
        {
            string result = last.Succeeded ? "succeeded" : $"failed: {last.Error}";
            context.Ui.WriteLine($"last rebuild: generation {last.Generation} {result} in {last.Seconds:F1} s at {last.FinishedUtc:u}, bucket jobs "
                + $"on {last.JobSilos.Distinct().Count()} silo(s)");
        }
    }

    public static void PrintBuckets(CliContext context, IndexStatus status)
    {
        var table = new Table().Title("buckets").AddColumns("bucket", "vectors", "share", "clusters", "avg list", "shards", "replicas on");
        foreach (BucketSummary bucket in status.Buckets.OrderBy(b => b.Bucket))
        {
            table.AddRow(
                bucket.Bucket.ToString(Formats.Culture),
                bucket.Count.ToString("N0", Formats.Culture),
                status.Count > 0 ? ((double)bucket.Count / status.Count).ToString("P1", Formats.Culture) : "-",
                bucket.Clusters.ToString("N0", Formats.Culture),
                bucket.Clusters > 0 ? ((double)bucket.Count / bucket.Clusters).ToString("N0", Formats.Culture) : "-",
                bucket.Shards.ToString(Formats.Culture),
                bucket.ReplicaSilos is { Length: > 0 } silos ? Placement(silos, bucket.Shards) : "-");
        }

        context.Ui.Write(table);
    }

    /// <summary>Where each replica runs; of a bucket split into shards, shard by shard (<c>s0: a, b; s1: c, d</c>).</summary>
    private static string Placement(string[] silos, int shards)
    {
        IEnumerable<string> names = silos.Select(s => s.Length > 0 ? s : "?");
        return shards <= 1 || silos.Length % shards != 0
            ? string.Join(", ", names)
            : string.Join("; ", names.Chunk(silos.Length / shards).Select((shard, s) => $"s{s}: {string.Join(", ", shard)}"));
    }
}
