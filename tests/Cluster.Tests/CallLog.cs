using System.Collections.Concurrent;
using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// An incoming call filter on every silo of a test cluster that counts each method's calls per silo and keeps, for calls that
/// carry a write deadline (<see cref="WriteDeadline"/>), how much of it was left when they arrived. Thread-safe.
/// </summary>
public sealed class CallLog : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(string Method, string Silo), int> _calls = new();
    private readonly ConcurrentQueue<(string Method, TimeSpan Left)> _deadlines = new();

    /// <summary>How many calls of <paramref name="method"/> (<c>IInterface.Method</c>) each silo has served so far.</summary>
    public IReadOnlyDictionary<string, int> SilosOf(string method) =>
        _calls.Where(c => c.Key.Method == method).ToDictionary(c => c.Key.Silo, c => c.Value);

    /// <summary>What was left of each deadline-carrying call's deadline when it arrived, in arrival order.</summary>
    public TimeSpan[] DeadlinesLeft(string method) => [.. _deadlines.Where(d => d.Method == method).Select(d => d.Left)];

    public Task Invoke(IIncomingGrainCallContext context)
    {
        string method = $"{context.InterfaceMethod.DeclaringType?.Name}.{context.InterfaceMethod.Name}";
        string silo = context.TargetContext.Address.SiloAddress?.ToString() ?? "";
        _calls.AddOrUpdate((method, silo), 1, (_, n) => n + 1);
        if (RequestContext.Get(WriteDeadline.Key) is long ticks)
        {
            _deadlines.Enqueue((method, TimeSpan.FromTicks(ticks - DateTime.UtcNow.Ticks)));
        }

        return context.Invoke();
    }
}
