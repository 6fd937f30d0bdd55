using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Catalog;
using HyperdOrleans.Grains.Fields;
using Microsoft.Extensions.Logging;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// An index's life from the client's side: created empty with its dimensions, listed in the catalog, dropped with
/// everything it owns. An empty index serves generation 1 with no files and one LSH bucket for every row: until the first
/// build fits planes to real data, appends land in bucket 0, which every query probes, so pending rows are scanned exactly.
/// </summary>
public sealed partial class IndexGrain
{
    /// <summary>The most dimensions an index may have (the vector files' own limit).</summary>
    private const int MaxDimensions = 1 << 16;

    public async Task<IndexStatus> CreateAsync(CreateIndexRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Dimensions < 1 || request.Dimensions > MaxDimensions)
        {
            throw new ArgumentException(
                $"an index needs between 1 and {MaxDimensions} dimensions, got {request.Dimensions}.",
                nameof(request));
        }

        ForgetPlacementHint();
        FieldSchema? schema = WireFields.ToSchema(request.Fields);
        if (state.State.Manifest is { } existing)
        {
            bool sameSchema = existing.Schema is null ? schema is null : existing.Schema.SameAs(schema);
            if (existing.Dimensions == request.Dimensions && !sameSchema)
            {
                throw new ArgumentException(
                    $"index '{_name}' exists with other data fields ({Describe(existing.Schema)}): drop it first or pick another name.",
                    nameof(request));
            }

            return existing.Dimensions == request.Dimensions
                ? Status()
                : throw new ArgumentException(
                    $"index '{_name}' exists with {existing.Dimensions} dimensions, not {request.Dimensions}: drop it first or pick another name.",
                    nameof(request));
        }

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            int d = request.Dimensions;
            var options = new IndexBuildOptions();
            LshHasher hasher = LshHasher.SingleBucket(d, options.Seed);
            BucketManifest[] empty = [.. Enumerable.Range(0, LshHasher.BucketCount).Select(b => new BucketManifest(b, 0, 0, null, null, null, null))];
            IndexManifest manifest = ManifestStore.Validate(
                $"index '{_name}'",
                IndexManifest.ForGeneration(1, hasher, empty, BuildManifest.Of("created empty", options, 0), previous: null)
                    with { Schema = schema });
            long through = _log?.LastSequence ?? 0;

            // The buckets first: a manifest must never name a generation its buckets cannot serve.
            await OnEveryReplicaAsync("serve the new index", (b, bucket) =>
                bucket.CommitGenerationAsync(new BucketGeneration(1, empty[b], through, d), cancellationToken));
            await WriteStateAsync(new IndexState
            {
                Manifest = manifest,
                LastStartedGeneration = Math.Max(1, state.State.LastStartedGeneration),
                Watermarks = [.. empty.Select(_ => through)],
            });
            _hasher = hasher;
            await UploadManifestAsync(manifest);
        }
        finally
        {
            _writeGate.Release();
        }

        await RegisterAsync();
        logger.LogInformation("Index {Index} created empty with {Dimensions} dimensions", _name, request.Dimensions);
        return Status();
    }

    public async Task<bool> DropAsync(CancellationToken cancellationToken = default)
    {
        if (_rebuild is { } running)
        {
            throw new InvalidOperationException(
                $"index '{_name}' is building generation {running.Generation}: wait for the rebuild to end, then drop it.");
        }

        bool existed = state.State.Exists;
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await Task.WhenAll(Members().Select(m => Bucket(m.Bucket, m.Replica, m.Shard).DropAsync(cancellationToken)));
            await store.DeletePrefixAsync(Storage.StoreNames.IndexPrefix(_name), cancellationToken);
            await state.ClearStateAsync(cancellationToken);
            state.State = new IndexState();
            _log = null;
            _hasher = null;
            _writeFault = null;
            _pendingOperations = 0;
        }
        finally
        {
            _writeGate.Release();
        }

        await GrainFactory.GetGrain<IIndexCatalogWriter>(0).UnregisterAsync(_name, cancellationToken);
        logger.LogInformation("Index {Index} dropped", _name);

        // The next call starts from nothing: a fresh activation opens an empty log.
        DeactivateOnIdle();
        return existed;
    }

    /// <summary>
    /// The rows' data field values in the engine's canonical types, checked against the schema: an
    /// <see cref="ArgumentException"/> names the row and the field. Null when the batch has none (every value missing).
    /// </summary>
    private object?[][]? CheckFields(VectorBatch batch)
    {
        FieldSchema? schema = state.State.Manifest!.Schema;
        if (batch.Fields is not { } rows)
        {
            return null;
        }

        if (schema is null)
        {
            throw new ArgumentException($"index '{_name}' has no data fields, but the batch carries field values.", nameof(batch));
        }

        if (rows.Length != batch.Ids.Length)
        {
            throw new ArgumentException($"{batch.Ids.Length} ids need as many rows of field values; got {rows.Length}.", nameof(batch));
        }

        var normalized = new object?[rows.Length][];
        for (int i = 0; i < rows.Length; i++)
        {
            string where = $"row {i} (id {batch.Ids[i]})";
            normalized[i] = schema.CheckRow(rows[i] ?? throw new ArgumentException($"{where} has no field values.", nameof(batch)), where);
        }

        return normalized;
    }

    private static string Describe(FieldSchema? schema) =>
        schema is null ? "none" : string.Join(", ", schema.Fields.Select(f => $"{f.Name} {f.Type}{(f.Indexed ? " indexed" : "")}"));

    /// <summary>Enters the index in the catalog (again: the catalog keeps the first entry).</summary>
    private Task RegisterAsync() =>
        GrainFactory.GetGrain<IIndexCatalogWriter>(0).RegisterAsync(
            new IndexSummary(_name, state.State.Manifest!.Dimensions, state.State.Manifest.Build.CreatedUtc));
}
