using System.Collections.Concurrent;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// An incoming call filter on every silo of a test cluster that fails chosen calls to chosen grains, once each, as if the
/// grain's silo had died at that moment: what a test arms, by grain key and method name. Thread-safe.
/// </summary>
public sealed class FailingCalls : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(string Key, string Method), int> _armed = new();

    /// <summary>The next <paramref name="times"/> calls of <paramref name="method"/> on the grain with <paramref name="key"/> fail.</summary>
    public void Arm(string key, string method, int times = 1) => _armed[(key, method)] = times;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var call = (context.TargetId.Key.ToString() ?? "", context.InterfaceMethod.Name);
        while (_armed.TryGetValue(call, out int left))
        {
            if (left <= 0)
            {
                break;
            }

            if (_armed.TryUpdate(call, left - 1, left))
            {
                throw new InvalidOperationException($"test fault: {call.Item2} on '{call.Item1}' failed on purpose.");
            }
        }

        return context.Invoke();
    }
}
