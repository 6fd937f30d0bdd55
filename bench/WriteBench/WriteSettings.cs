namespace HyperdOrleans.WriteBench;

/// <summary>What one run measures: an index of <see cref="BaseRows"/>, then appends of <see cref="Batch"/> fresh rows until
/// <see cref="PendingRows"/> are pending, timed one by one.</summary>
internal sealed record WriteSettings(int BaseRows, int Dimensions, int Batch, int PendingRows, int Bands, string? Folder);
