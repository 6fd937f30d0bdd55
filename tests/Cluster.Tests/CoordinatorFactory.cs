using System.Reflection;
using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>A grain factory whose coordinator is the one given; nothing else is asked of it by searches and reads.</summary>
public class CoordinatorFactory : DispatchProxy
{
    private ISearchCoordinatorGrain _coordinator = null!;

    public static IGrainFactory Over(ISearchCoordinatorGrain coordinator)
    {
        IGrainFactory factory = Create<IGrainFactory, CoordinatorFactory>();
        ((CoordinatorFactory)(object)factory)._coordinator = coordinator;
        return factory;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args) =>
        method!.IsGenericMethod && method.GetGenericArguments()[0] == typeof(ISearchCoordinatorGrain)
            ? _coordinator
            : throw new NotSupportedException($"{method.Name} is not faked.");
}
