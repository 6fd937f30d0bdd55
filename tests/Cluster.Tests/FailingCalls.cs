using System.Collections.Concurrent;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// An incoming call filter on every silo of a test cluster that fails chosen calls to chosen grains, once each, as if the
/// grain's silo had died at that moment: what a test arms, by grain key and method name. Thread-safe.
/// </summary>
public sealed class FailingCalls : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(string Key, string Method), int> _armed = new();
    private readonly ConcurrentDictionary<(string Key, string Method), Func<Exception>> _faults = new();

    /// <summary>
    /// The next <paramref name="times"/> calls of <paramref name="method"/> on the grain with <paramref name="key"/> fail, with what
    /// <paramref name="fault"/> makes (an <see cref="InvalidOperationException"/> by default).
    /// </summary>
    public void Arm(string key, string method, int times = 1, Func<Exception>? fault = null)
    {
        _faults[(key, method)] = fault ?? (() => new InvalidOperationException($"test fault: {method} on '{key}' failed on purpose."));
        _armed[(key, method)] = times;
    }

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
                throw _faults[call]();
            }
        }

        return context.Invoke();
    }
}
