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

        if (options.ReplicaAttemptTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Hyperd:ReplicaAttemptTimeout must be positive, got {options.ReplicaAttemptTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
