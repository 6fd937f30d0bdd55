namespace HyperdOrleans.Engine.Search;

/// <summary>
/// Where a planned pass leaves the planner (FAISS's <c>search_preassigned</c> over inverted lists): scans each
/// bucket's assigned (query, cluster) pairs and adds every hit into <see cref="SearchPass.Heaps"/>. The engine's
/// executor scans the mapped local files; the cluster's sends each bucket its share and merges the answers.
/// Called once per pass, never concurrently for one search.
/// </summary>
public interface ISearchExecutor
{
    ValueTask ScanAsync(SearchPass pass, CancellationToken cancellationToken);
}
