using System.Collections.Concurrent;
using System.Reflection;
using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// A grain factory that hands out the real grains, recording the row count of every append the SDK sends (through the write
/// routers): a test sees how an upsert was chunked while every call still reaches the cluster.
/// </summary>
public class AppendCounter : DispatchProxy
{
    private object _target = null!;
    private ConcurrentQueue<int> _appends = null!;

    /// <summary>The rows of each append sent, in order.</summary>
    public IReadOnlyCollection<int> Appends => _appends;

    public static (IGrainFactory Grains, AppendCounter Counter) Wrap(IGrainFactory grains)
    {
        IGrainFactory proxy = Create<IGrainFactory, AppendCounter>();
        var counter = (AppendCounter)(object)proxy;
        counter._target = grains;
        counter._appends = new ConcurrentQueue<int>();
        return (proxy, counter);
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == nameof(IWriteRouterGrain.AppendAsync) && args!.OfType<VectorBatch>().FirstOrDefault() is { } batch)
        {
            _appends.Enqueue(batch.Ids.Length);
        }

        object? result = method.Invoke(_target, args);
        if (result is IWriteRouterGrain grain && _target is IGrainFactory)
        {
            IWriteRouterGrain proxy = Create<IWriteRouterGrain, AppendCounter>();
            var counter = (AppendCounter)(object)proxy;
            counter._target = grain;
            counter._appends = _appends;
            return proxy;
        }

        return result;
    }
}
