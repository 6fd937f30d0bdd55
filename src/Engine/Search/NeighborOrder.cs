namespace HyperdOrleans.Engine.Search;

/// <summary>Result order: descending score, then ascending id so equal scores sort deterministically.</summary>
public sealed class NeighborOrder : IComparer<Neighbor>
{
    public static NeighborOrder Instance { get; } = new();

    public int Compare(Neighbor x, Neighbor y)
    {
        int byScore = y.Score.CompareTo(x.Score);
        return byScore != 0 ? byScore : x.Id.CompareTo(y.Id);
    }
}
