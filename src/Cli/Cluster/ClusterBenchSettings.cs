namespace HyperdOrleans.Cli.Cluster;

/// <summary>What <c>hyperd bench --cluster</c> adds to a bench: where, how many clients, how requests are cut and timed.</summary>
internal sealed record ClusterBenchSettings(ClusterChoice Choice, int[] Clients, int Batch, int Rounds, double Seconds);
