using HyperdOrleans.Engine;

namespace HyperdOrleans.Cli.Commands;

/// <summary>What <c>hyperd search</c> was asked, the same in engine and cluster mode; null probes take the index's defaults.</summary>
internal sealed record SearchRun(string Queries, int K, int? LshProbes, int? NProbe, int? Rerank, ProbeBudget Budget, string Output, bool Timing);
