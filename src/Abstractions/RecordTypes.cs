namespace HyperdOrleans.Abstractions;

/// <summary>
/// One stored row read back by id or by filter: its id, its unit vector (the index keeps cosine-normalised rows; null unless
/// asked for) and its data field values aligned with the index's fields (null unless asked for, or when the index has none).
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.StoredRow")]
public sealed record StoredRow([property: Id(0)] long Id, [property: Id(1)] float[]? Vector, [property: Id(2)] object?[]? Fields);

/// <summary>
/// A read of stored rows: those of <see cref="Ids"/> (each once, deleted and unknown ids left out), or else the rows that
/// <see cref="Filter"/> keeps (null: every row) ordered by id, <see cref="Skip"/> of them skipped and at most <see cref="Top"/>
/// returned.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.ReadRequest")]
public sealed record ReadRequest(
    [property: Id(0)] long[]? Ids,
    [property: Id(1)] FieldFilter? Filter,
    [property: Id(2)] int Top,
    [property: Id(3)] int Skip,
    [property: Id(4)] bool IncludeVectors,
    [property: Id(5)] bool IncludeFields);
