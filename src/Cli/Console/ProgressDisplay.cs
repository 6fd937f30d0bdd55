using System.Diagnostics;
using Spectre.Console;

namespace HyperdOrleans.Cli.Console;

/// <summary>
/// Runs work on a background thread while showing its <see cref="ProgressState"/>: Spectre bars on a terminal;
/// when output is redirected, one plain line every few seconds (a log or CI page cannot redraw bars).
/// </summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan TerminalRefresh = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan PlainHeartbeat = TimeSpan.FromSeconds(10);

    public static T Run<T>(CliContext context, Func<ProgressState, T> work)
    {
        var state = new ProgressState();
        Task<T> running = Task.Factory.StartNew(() => work(state), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (context.Interactive)
        {
            ShowBars(context.Ui, state, running);
        }
        else
        {
            ShowLines(context.Ui, state, running);
        }

        // GetResult rethrows the work's own exception, not an AggregateException.
        return running.GetAwaiter().GetResult();
    }

    private static void ShowBars(IAnsiConsole ui, ProgressState state, Task running)
    {
        ui.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(progress =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                void Sync()
                {
                    foreach (ProgressItem item in state.Snapshot())
                    {
                        if (!tasks.TryGetValue(item.Key, out ProgressTask? task))
                        {
                            task = progress.AddTask(item.Label, maxValue: 100);
                            tasks.Add(item.Key, task);
                        }

                        task.Description = item.Label;
                        task.Value = item.Fraction * 100;
                    }
                }

                while (!Wait(running, TerminalRefresh))
                {
                    Sync();
                }

                Sync();
            });
    }

    private static void ShowLines(IAnsiConsole ui, ProgressState state, Task running)
    {
        var clock = Stopwatch.StartNew();
        var reportedDone = new HashSet<string>();
        string previous = string.Empty;
        TimeSpan previousAt = TimeSpan.Zero;
        bool finished;
        do
        {
            finished = Wait(running, PlainInterval);
            if (running.IsFaulted || running.IsCanceled)
            {
                return;
            }

            // Tasks still running, and tasks that finished since the last line; finished ones are not repeated.
            List<string> parts = [];
            foreach (ProgressItem item in state.Snapshot())
            {
                if (reportedDone.Contains(item.Key))
                {
                    continue;
                }

                parts.Add($"{item.Label} {item.Fraction * 100:F0}%");
                if (item.Fraction >= 1)
                {
                    reportedDone.Add(item.Key);
                }
            }

            // A long step (k-means training reports only its end) would repeat the same line: print it again only as a heartbeat.
            string line = string.Join(", ", parts);
            if (parts.Count > 0 && (line != previous || clock.Elapsed - previousAt >= PlainHeartbeat))
            {
                ui.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1} s] {line}");
                previous = line;
                previousAt = clock.Elapsed;
            }
        }
        while (!finished);
    }

    /// <summary>Waits without throwing: the caller rethrows the work's exception once the display is torn down.</summary>
    private static bool Wait(Task task, TimeSpan timeout) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne(timeout);
}
