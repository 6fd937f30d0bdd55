using HyperdOrleans.Grains.Build;

namespace HyperdOrleans.Cluster.Tests;

/// <summary>
/// Holds build jobs before their heavy work while closed, so a test can act "mid-rebuild" without racing the
/// build. Shared by every silo of an in-process cluster. Thread-safe.
/// </summary>
public sealed class TestBuildGate : IBuildJobGate
{
    private readonly object _lock = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _arrivalWaits = [];
    private TaskCompletionSource? _closed;
    private int _arrived;

    public void Close()
    {
        lock (_lock)
        {
            _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _arrived = 0;
        }
    }

    public void Open()
    {
        TaskCompletionSource? closed;
        lock (_lock)
        {
            closed = _closed;
            _closed = null;
        }

        closed?.TrySetResult();
    }

    /// <summary>Completes once <paramref name="count"/> jobs wait at the closed gate.</summary>
    public Task ArrivedAsync(int count)
    {
        lock (_lock)
        {
            if (_arrived >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _arrivalWaits.Add((count, signal));
            return signal.Task;
        }
    }

    /// <summary>The next job of this bucket throws, as a job whose build hits a bad file would.</summary>
    public int? FailBucket { get; set; }

    public async Task PassAsync(string index, long generation, int bucket, CancellationToken cancellationToken)
    {
        TaskCompletionSource? closed;
        lock (_lock)
        {
            if (FailBucket == bucket)
            {
                FailBucket = null;
                throw new IOException($"injected failure in the build job of bucket {bucket}");
            }

            closed = _closed;
            if (closed is null)
            {
                return;
            }

            _arrived++;
            foreach ((int count, TaskCompletionSource signal) in _arrivalWaits.Where(w => w.Count <= _arrived).ToList())
            {
                signal.TrySetResult();
                _arrivalWaits.Remove((count, signal));
            }
        }

        await closed.Task.WaitAsync(cancellationToken);
    }
}
