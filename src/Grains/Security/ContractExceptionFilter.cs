using HyperdOrleans.Abstractions;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Security;

/// <summary>
/// Exceptions leave a grain only in types the caller can read. A client reads the runtime's, Orleans' and
/// <c>HyperdOrleans.Abstractions</c>' types: a log or storage exception thrown to it would arrive as an unreadable payload
/// (<c>UnsupportedWireTypeException</c>) and hide the reason. Silos also read the grains' own serializable exceptions (the log's
/// integrity fault, which grains act on), but not the engine's, which have no codec and would fail the response. Anything
/// else is handed over as <see cref="InvalidOperationException"/> with the same message.
/// </summary>
public sealed class ContractExceptionFilter : IIncomingGrainCallFilter
{
    private static readonly string[] ContractPrefixes = ["System.", "Microsoft.", "Orleans."];

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (!Readable(e.GetType(), byClient: context.SourceId is { } source && GrainTypePrefix.IsClient(source)))
        {
            throw new InvalidOperationException(e.Message);
        }
    }

    private static bool Readable(Type type, bool byClient)
    {
        string assembly = type.Assembly.GetName().Name ?? "";
        return type.Assembly == typeof(IIndexGrain).Assembly
            || !byClient && type.Assembly == typeof(ContractExceptionFilter).Assembly
            || assembly is "System" or "System.Private.CoreLib" or "mscorlib" or "netstandard"
            || ContractPrefixes.Any(p => assembly.StartsWith(p, StringComparison.Ordinal));
    }
}
