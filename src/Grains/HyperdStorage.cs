namespace HyperdOrleans.Grains;

/// <summary>The grain storage provider the grains persist to; a silo must register one under this name.</summary>
public static class HyperdStorage
{
    public const string Name = "hyperd";
}
