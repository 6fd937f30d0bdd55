namespace HyperdOrleans.Engine.Tests;

/// <summary>
/// A synchronous <see cref="IProgress{T}"/>: the action runs on the reporting thread before the build goes on
/// (unlike <see cref="Progress{T}"/>, which posts it), so a test can pause or cancel a build at a chosen phase.
/// </summary>
internal sealed class ActionProgress<T>(Action<T> action) : IProgress<T>
{
    public void Report(T value) => action(value);
}
