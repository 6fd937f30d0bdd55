using HyperdOrleans.Abstractions;

namespace HyperdOrleans.Grains.Search;

/// <summary>What a search asks of the buckets about data fields: the index's fields, a filter (validated) and whether hits carry values.</summary>
internal sealed record FieldsRequest(DataField[]? Schema, FieldFilter? Filter, bool Include);
