using Microsoft.Extensions.Logging;

namespace HyperdOrleans.Cli.Cluster;

/// <summary>
/// Writes the embedded silo's and the client's warnings and errors to a file, so they never mix with the tool's
/// output on the console (and a failed rebuild's stack trace is still there to read). Thread-safe.
/// </summary>
internal sealed class FileLoggerProvider(string path, LogLevel minimum) : ILoggerProvider
{
    private readonly Lock _lock = new();
    private StreamWriter? _writer;

    public string Path => path;

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName, minimum);

    public void Dispose()
    {
        lock (_lock)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private void Write(string line)
    {
        lock (_lock)
        {
            if (_writer is null)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
                _writer = new StreamWriter(path, append: true) { AutoFlush = true };
            }

            _writer.WriteLine(line);
        }
    }

    private sealed class FileLogger(FileLoggerProvider owner, string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                string text = $"{DateTimeOffset.UtcNow:O} {logLevel} {category}: {formatter(state, exception)}";
                owner.Write(exception is null ? text : $"{text}{System.Environment.NewLine}{exception}");
            }
        }
    }
}
