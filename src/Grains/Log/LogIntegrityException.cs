namespace HyperdOrleans.Grains.Log;

/// <summary>
/// An index's write-ahead log is not what its writer left: a damaged record, or acknowledged records missing (a store that
/// lost data or was rolled back). Never handled by skipping: the silo refuses to serve less than it acknowledged.
/// </summary>
[GenerateSerializer, Alias("hyperd.LogIntegrityException")]
public sealed class LogIntegrityException(string message, Exception? inner = null) : IOException(message, inner);
