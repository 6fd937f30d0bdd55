using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Fields;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// The field values of a bucket's hits, for a search that asks for them: a live pending row's own values, else the
/// generation's fields file (one pass over the bucket's ids, then a read of each row found). Stateless.
/// </summary>
internal static class HitFields
{
    public static QueryResult[] Attach(QueryResult[] results, ServingGeneration serving, PendingView pending, FieldSchema? schema)
    {
        if (schema is null)
        {
            return results;
        }

        var wanted = results.SelectMany(r => r.Ids).ToHashSet();
        var found = new Dictionary<long, object?[]>();
        foreach (PendingBatch batch in pending.Batches)
        {
            for (int i = 0; i < batch.UpsertIds.Length; i++)
            {
                long id = batch.UpsertIds[i];
                if (wanted.Contains(id) && pending.IsLive(id, batch.Sequence))
                {
                    found[id] = batch.UpsertFields?[i] ?? new object?[schema.Count];
                }
            }
        }

        serving.Index?.ReadFields(wanted, found);

        return [.. results.Select(r => r with { Fields = [.. r.Ids.Select(id => found.GetValueOrDefault(id) ?? new object?[schema.Count])] })];
    }
}
