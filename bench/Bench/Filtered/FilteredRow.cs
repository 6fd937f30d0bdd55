namespace HyperdOrleans.Bench.Filtered;

/// <summary>One method's figures at one filter: recall@10 against exact filtered search, and the median queries per wall and CPU second.</summary>
public sealed record FilteredRow(
    string Filter,
    double Share,
    string Method,
    double RecallAt10,
    double QueriesPerSecond,
    double QueriesPerCpuSecond,
    string Note);
