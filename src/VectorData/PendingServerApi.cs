using HyperdOrleans.Client;

namespace HyperdOrleans.VectorData;

// TEMPORARY until HyperdClient.GetAsync/QueryAsync land on main: the same signatures, so the connector compiles today.
// Deleted at the merge (the instance methods and Abstractions.StoredRow take over).
internal sealed record StoredRow(long Id, float[]? Vector, object?[]? Fields);

internal static class PendingServerApi
{
    public static Task<StoredRow[]> GetAsync(this HyperdClient client, string index, long[] ids, bool includeVectors = false,
        bool includeFields = true, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("HyperdClient.GetAsync is not on this branch yet.");

    public static Task<StoredRow[]> QueryAsync(this HyperdClient client, string index, Abstractions.FieldFilter? filter, int top, int skip = 0,
        bool includeVectors = false, bool includeFields = true, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("HyperdClient.QueryAsync is not on this branch yet.");
}
