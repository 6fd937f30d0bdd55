namespace HyperdOrleans.Cli.Console;

/// <summary>
/// Calls back on the reporting thread. <see cref="Progress{T}"/> would post to the thread pool instead: reports
/// could arrive out of order, and a callback could not stop the work by throwing on cancellation.
/// </summary>
internal sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
