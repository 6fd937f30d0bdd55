namespace HyperdOrleans.Engine;

/// <summary>One search hit: the vector's id and its cosine similarity to the query.</summary>
public readonly record struct Neighbor(long Id, float Score);
