namespace HyperdOrleans.VectorData.Tests;

/// <summary>Waits on an explicit condition with a timeout whose message names the phase: no sleeps in these tests.</summary>
public static class Within
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);

    public static async Task<T> Phase<T>(string phase, Task<T> task, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? Default);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"timed out after {(timeout ?? Default).TotalSeconds:F0} s waiting for: {phase}");
        }
    }

    public static async Task Phase(string phase, Task task, TimeSpan? timeout = null) =>
        await Phase(phase, task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), timeout);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with the phase's name after the timeout.</summary>
    public static async Task Eventually(string phase, Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? Default);
        while (!await condition())
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out after {(timeout ?? Default).TotalSeconds:F0} s waiting for: {phase}");
            }
        }
    }
}
