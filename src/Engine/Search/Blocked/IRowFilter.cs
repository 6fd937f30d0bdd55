namespace HyperdOrleans.Engine.Search.Blocked;

/// <summary>
/// Which rows may enter a heap, asked only of rows whose score beats it. A struct operator, so the common
/// no-filter case compiles to nothing.
/// </summary>
internal interface IRowFilter
{
    bool Keeps(long id);
}

/// <summary>Every row counts.</summary>
internal readonly struct AllRows : IRowFilter
{
    public bool Keeps(long id) => true;
}

/// <summary>
/// For heaps keyed by file row (SQ8 candidates): rows a filter's <paramref name="matches"/> leaves out, and rows whose caller
/// ids the predicate calls excluded, are skipped.
/// </summary>
internal readonly struct ExceptExcludedRows(
    Predicate<long>? excluded,
    HyperdOrleans.Engine.Ivf.InvertedLists lists,
    Filters.RowBitmap? matches = null) : IRowFilter
{
    public bool Keeps(long id) => (matches is null || matches.Get(id)) && (excluded is null || !excluded(lists.Id(id)));
}

/// <summary>Rows whose ids the predicate calls excluded (deleted or replaced since the files were written) are skipped.</summary>
internal readonly struct ExceptExcluded(Predicate<long> excluded) : IRowFilter
{
    public bool Keeps(long id) => !excluded(id);
}
