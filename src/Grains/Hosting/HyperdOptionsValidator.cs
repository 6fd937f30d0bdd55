using Microsoft.Extensions.Options;

namespace HyperdOrleans.Grains.Hosting;

/// <summary>Checks the settings a silo cannot run with at start-up, with a message naming the key and the bad value.</summary>
public sealed class HyperdOptionsValidator : IValidateOptions<HyperdOptions>
{
    public ValidateOptionsResult Validate(string? name, HyperdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Replicas is < 1 or > HyperdOptions.MaxReplicas)
        {
            failures.Add($"Hyperd:Replicas must be between 1 and {HyperdOptions.MaxReplicas} (copies of each bucket on distinct silos), "
                + $"got {options.Replicas}.");
        }

        if (options.Shards is < 0 or > Engine.Build.ShardRule.MaxShards)
        {
            failures.Add($"Hyperd:Shards must be between 0 (the rule chooses) and {Engine.Build.ShardRule.MaxShards}, got {options.Shards}.");
        }

        if (options.MaxRowsPerShard < 1)
        {
            failures.Add($"Hyperd:MaxRowsPerShard must be at least 1, got {options.MaxRowsPerShard}.");
        }

        if (options.ReplicaAttemptTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Hyperd:ReplicaAttemptTimeout must be positive, got {options.ReplicaAttemptTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
