namespace HyperdOrleans.Cli.Console;

/// <summary>One task's progress as last reported.</summary>
internal readonly record struct ProgressItem(string Key, string Label, double Fraction);

/// <summary>
/// The latest progress of named tasks. Thread-safe: engine threads write it, and the display polls it,
/// so progress never runs on (or waits for) the threads doing the work.
/// </summary>
internal sealed class ProgressState
{
    private readonly Lock _lock = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, ProgressItem> _items = [];

    /// <summary>Records a task's label and completed fraction (0..1); tasks keep the order they first appeared in.</summary>
    public void Set(string key, string label, double fraction)
    {
        lock (_lock)
        {
            if (!_items.ContainsKey(key))
            {
                _order.Add(key);
            }

            _items[key] = new ProgressItem(key, label, Math.Clamp(fraction, 0, 1));
        }
    }

    public void Set(string key, string label, long done, long total) => Set(key, label, total > 0 ? (double)done / total : 1);

    public ProgressItem[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _order.Select(key => _items[key])];
        }
    }
}
