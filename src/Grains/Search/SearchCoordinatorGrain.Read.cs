using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Filters;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Fields;

namespace HyperdOrleans.Grains.Search;

/// <summary>
/// Reads of stored rows: an id's bucket is unknown without its vector, so every bucket is asked (one replica each), each answers
/// from its files
/// and pending rows of the route's generation, and the answers are merged (by the order asked, or by id for a filter).
/// </summary>
public sealed partial class SearchCoordinatorGrain
{
    /// <summary>The most ids one read carries (the SDK splits larger reads).</summary>
    public const int MaxReadIds = 10_000;

    /// <summary>The deepest a filtered read may page: skip plus top.</summary>
    public const int MaxReadDepth = 100_000;

    public async Task<StoredRow[]> ReadAsync(string index, ReadRequest request, CancellationToken cancellationToken = default)
    {
        IndexNames.Validate(index);
        ArgumentNullException.ThrowIfNull(request);
        Validate(request, options.Value.MaxK);
        IndexRoute route = await RouteAsync(index, refresh: false, cancellationToken);
        for (int attempt = 0; ; attempt++)
        {
            BucketReadRequest asked = ForBuckets(index, route.Manifest, request);
            long generation = route.Generation;
            // Every shard of every bucket: a row's bucket follows from its vector, its shard from the clusters (pending rows: shard 0).
            var shards = route.Manifest.Buckets.SelectMany(b => Enumerable.Range(0, b.ShardCount).Select(s => (b.Bucket, Shard: s)));
            BucketRows[] answers = await Task.WhenAll(shards.Select(x => Replicas.CallAsync(
                index,
                x.Bucket,
                (bucket, _, ct) => bucket.ReadRowsAsync(asked, ct),
                a => a.Stale && a.Generation < generation ? ReplicaVerdict.Behind : ReplicaVerdict.Answer,
                cancellationToken,
                x.Shard)));
            if (answers.Any(a => a.Stale || a.Generation != route.Generation))
            {
                if (attempt == MaxRouteRefreshes)
                {
                    throw new InvalidOperationException($"index '{index}' is switching generations; the read was not answered, retry it.");
                }

                route = await RouteAsync(index, refresh: true, cancellationToken);
                continue;
            }

            IEnumerable<StoredRow> rows = answers.SelectMany(a => a.Rows);
            if (request.Ids is { } ids)
            {
                Dictionary<long, StoredRow> byId = rows.ToDictionary(r => r.Id);
                return [.. ids.Distinct().Where(byId.ContainsKey).Select(id => byId[id])];
            }

            return [.. rows.OrderBy(r => r.Id).Skip(request.Skip).Take(request.Top)];
        }
    }

    private static void Validate(ReadRequest request, int maxTop)
    {
        if (request.Ids is { } ids)
        {
            if (ids.Length > MaxReadIds)
            {
                throw new ArgumentException($"a read takes at most {MaxReadIds:N0} ids; got {ids.Length:N0}.", nameof(request));
            }

            return;
        }

        if (request.Top < 1 || request.Top > maxTop)
        {
            throw new ArgumentException($"top must be between 1 and {maxTop:N0} (Hyperd:MaxK); got {request.Top}.", nameof(request));
        }

        if (request.Skip < 0 || (long)request.Skip + request.Top > MaxReadDepth)
        {
            throw new ArgumentException(
                $"skip must be at least 0 and skip + top at most {MaxReadDepth:N0}; got skip {request.Skip}, top {request.Top}.",
                nameof(request));
        }
    }

    /// <summary>The buckets' request: the filter checked against the index's fields, each bucket's limit skip + top.</summary>
    private static BucketReadRequest ForBuckets(string index, IndexManifest info, ReadRequest request)
    {
        if (request.Filter is { } filter)
        {
            if (info.Schema is null)
            {
                throw new ArgumentException($"index '{index}' has no data fields, so it cannot filter.", nameof(request));
            }

            FilterValidator.Validate(WireFields.ToFilter(filter), info.Schema);
        }

        return new BucketReadRequest(
            info.Generation,
            info.Dimensions,
            request.Ids,
            request.Ids is null ? request.Filter : null,
            WireFields.ToWire(info.Schema),
            request.Skip + request.Top,
            request.IncludeVectors,
            request.IncludeFields && info.Schema is not null);
    }
}
