using System.Collections.Concurrent;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>An incoming call filter on every silo of a test cluster that counts each method's calls per silo. Thread-safe.</summary>
public sealed class CallLog : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(string Method, string Silo), int> _calls = new();

    /// <summary>How many calls of <paramref name="method"/> each silo has served so far.</summary>
    public IReadOnlyDictionary<string, int> SilosOf(string method) =>
        _calls.Where(c => c.Key.Method == method).ToDictionary(c => c.Key.Silo, c => c.Value);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        string silo = context.TargetContext.Address.SiloAddress?.ToString() ?? "";
        _calls.AddOrUpdate(($"{context.InterfaceMethod.DeclaringType?.Name}.{context.InterfaceMethod.Name}", silo), 1, (_, n) => n + 1);
        return context.Invoke();
    }
}
