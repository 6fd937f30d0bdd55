namespace HyperdOrleans.Engine.Build;

/// <summary>How a build stores the vectors that searches scan.</summary>
public enum VectorStorage
{
    /// <summary>The float32 inverted lists only: every probed row is scored exactly.</summary>
    Float32,

    /// <summary>
    /// The float32 lists plus one byte per dimension (<see cref="Ivf.QuantizedListsFile"/>): probed rows are
    /// scored from the codes (a quarter of the bytes) and the best k × rerank re-scored exactly from the float32 rows.
    /// </summary>
    Sq8,
}
