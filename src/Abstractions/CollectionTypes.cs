namespace HyperdOrleans.Abstractions;

/// <summary>
/// An empty index of <see cref="Dimensions"/> (cosine similarity), filled by appends from clients. Its first build runs
/// by itself once <c>Hyperd:FirstBuildRows</c> rows are pending; until then every pending row is scanned exactly.
/// <see cref="Fields"/> is the data fields every row carries (null or empty: none), in the order of a row's values.
/// </summary>
[GenerateSerializer, Immutable, Alias("hyperd.CreateIndexRequest")]
public sealed record CreateIndexRequest([property: Id(0)] int Dimensions, [property: Id(1)] DataField[]? Fields = null);

/// <summary>One index as the catalog lists it.</summary>
[GenerateSerializer, Immutable, Alias("hyperd.IndexSummary")]
public sealed record IndexSummary([property: Id(0)] string Name, [property: Id(1)] int Dimensions, [property: Id(2)] DateTimeOffset CreatedUtc);
