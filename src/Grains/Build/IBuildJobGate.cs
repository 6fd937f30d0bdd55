namespace HyperdOrleans.Grains.Build;

/// <summary>
/// A seam a build job passes before its heavy work. The default lets every job through; tests register one
/// that holds jobs so they can act "mid-rebuild" (stop a silo, run queries) without racing the build.
/// </summary>
public interface IBuildJobGate
{
    Task PassAsync(string index, long generation, int bucket, CancellationToken cancellationToken);
}

/// <summary>Lets every job through at once.</summary>
public sealed class OpenBuildJobGate : IBuildJobGate
{
    public Task PassAsync(string index, long generation, int bucket, CancellationToken cancellationToken) => Task.CompletedTask;
}
