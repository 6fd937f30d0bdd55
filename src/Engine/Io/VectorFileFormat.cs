namespace HyperdOrleans.Engine.Io;

/// <summary>The on-disk layouts of vector data sets that the engine streams.</summary>
public enum VectorFileFormat
{
    /// <summary>TEXMEX / ann-benchmarks: each row an int32 count, then that many little-endian float32.</summary>
    Fvecs,

    /// <summary>numpy.save of a 2-D little-endian float32 array in C order (format 1.0, 2.0 or 3.0).</summary>
    Npy,

    /// <summary>Bare little-endian float32 rows; the dimensions must be given.</summary>
    Raw,
}
