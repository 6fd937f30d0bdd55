using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Ivf;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Grains.Fields;
using HyperdOrleans.Grains.Log;
using HyperdOrleans.Grains.Placement;
using HyperdOrleans.Grains.Storage;
using HyperdOrleans.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace HyperdOrleans.Grains.Buckets;

/// <summary>
/// One replica of one bucket of an index. Replicas of a bucket are placed on distinct silos (<see cref="BucketReplicaPlacement"/>),
/// so an index's buckets spread over the silos and each silo caches only the files of the replicas it serves. Searches are
/// <c>[AlwaysInterleave]</c>: a turn only takes a snapshot (serving generation, pending view) and hands the scan to the thread
/// pool, so many queries run at once on every core while appends and switches keep being recorded. Everything else (one
/// writer: the index grain) runs one at a time. An activation loads (maps its files, replays the log, warms) in the background:
/// until then it answers searches "not ready" at once unless asked to wait, so coordinators use another replica meanwhile.
/// </summary>
[BucketReplicaPlacement]
public sealed partial class BucketGrain(
    [PersistentState("bucket", HyperdStorage.Name)] IPersistentState<BucketState> state,
    IIndexFileStore store,
    LocalFileCache cache,
    ILocalSiloDetails silo,
    ILogger<BucketGrain> logger) : Grain, IBucketGrain, IGrainMigrationParticipant
{
    private const string CarriedKey = "hyperd.pending";

    private string _index = "";
    private int _bucket;
    private int _shard;
    private int _replica;

    /// <summary>This activation's load (files, log, warm-up); every call but a search that may be answered "not ready" waits for it.</summary>
    private Task _loaded = Task.CompletedTask;

    /// <summary>A running catch-up with the index's manifest, so a burst of requests for a newer generation starts one.</summary>
    private Task? _syncing;

    /// <summary>Generation switches (a commit, a catch-up with the manifest) one at a time: they interleave at their awaits.</summary>
    private readonly SemaphoreSlim _switch = new(1, 1);
    private ServingGeneration? _current;
    private ServingGeneration? _prepared;
    private PendingView _pending = PendingView.Empty;

    /// <summary>The newest log record this bucket holds (or its generation folded in).</summary>
    private long _applied;

    /// <summary>
    /// Why this bucket refuses searches: it activated on a log that lost or damaged acknowledged records, so what it could read
    /// is older than what was acknowledged. Cleared when a generation is committed (a rebuild that folded in what was left).
    /// </summary>
    private string? _damage;

    /// <summary>The pending rows a move brought from the previous activation, until <see cref="OnActivateAsync"/> takes them.</summary>
    private CarriedPending? _carried;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_index, _bucket, _shard, _replica) = GrainKeys.ParseShard(this.GetPrimaryKeyString());
        _loaded = LoadAsync();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Opens the persisted generation, replays the log, warms the files, then checks the manifest in the background (a replica whose
    /// silo died before a commit reached it opens the generation the index serves). A failure reaches every caller and ends the
    /// activation, so the next call tries again.
    /// </summary>
    private async Task LoadAsync()
    {
        try
        {
            await LoadCoreAsync(CancellationToken.None);
            await WarmAsync();
        }
        catch (Exception)
        {
            DeactivateOnIdle();
            throw;
        }

        // Not awaited: the index grain may be activating and waiting for this bucket's status; the manifest call would wait for it.
        StartSync();
    }

    private async Task LoadCoreAsync(CancellationToken cancellationToken)
    {
        if (state.State.Current is { } current)
        {
            try
            {
                _current = await OpenAsync(current, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException and not InvalidOperationException)
            {
                // A failed activation goes back to the caller as it is, past every call filter: in the contract's type.
                logger.LogError(e, "Bucket {Index}/{Bucket} cannot open generation {Generation}", _index, _bucket, current.Generation);
                throw new InvalidOperationException($"bucket {_bucket} of index '{_index}' cannot open generation {current.Generation}: {e.Message}");
            }

            _applied = current.Watermark;
        }

        if (_carried is { } carried)
        {
            // Moved here with its rows: it needs the log only for records written after the move, and a damaged log
            // (a store that lost data) must not take away rows this bucket still holds: the index grain recovers from them.
            SetPending(PendingView.From(carried.Batches));
            _applied = Math.Max(_applied, carried.Applied);
            _carried = null;
            try
            {
                await CatchUpAsync(through: null, cancellationToken);
            }
            catch (LogIntegrityException e)
            {
                logger.LogError(e, "Bucket {Index}/{Bucket} moved with its pending rows through sequence {Sequence}; the log is damaged",
                    _index, _bucket, _applied);
            }

            return;
        }

        // Everything acknowledged since the generation was built. A damaged log leaves this bucket up but refusing searches
        // (it cannot hold what was acknowledged) and reachable for the rebuild that recovers what is left.
        try
        {
            await CatchUpAsync(through: null, cancellationToken);
        }
        catch (LogIntegrityException e)
        {
            _damage = e.Message;
            logger.LogCritical(e, "Bucket {Index}/{Bucket} refuses searches: its log is damaged", _index, _bucket);
        }
    }

    /// <summary>A move (the index's balancer) carries the pending rows along: the new activation does not depend on the store.</summary>
    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(dehydrationContext);
        if (_loaded.IsCompletedSuccessfully)
        {
            dehydrationContext.TryAddValue(CarriedKey, new CarriedPending(_applied, [.. _pending.Batches]));
        }
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        ArgumentNullException.ThrowIfNull(rehydrationContext);
        if (rehydrationContext.TryGetValue(CarriedKey, out CarriedPending? carried))
        {
            _carried = carried;
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        HyperdMetrics.PendingRows.Add(-_pending.LiveRows);
        _current?.Release();
        _prepared?.Release();
        _current = _prepared = null;
        return Task.CompletedTask;
    }

    public async Task<BucketSearchResult> SearchAsync(BucketSearchRequest request, CancellationToken cancellationToken = default)
    {
        if (!_loaded.IsCompleted && !request.WaitReady)
        {
            return new BucketSearchResult(0, Stale: false, [], 0, NotReady: true);
        }

        await _loaded;
        ThrowIfDamaged();

        ServingGeneration? serving = Serving(request.Generation);
        if (serving is null)
        {
            return new BucketSearchResult(_current?.Generation ?? 0, Stale: true, [], 0);
        }

        // Snapshot in this turn, scan off it: later turns may swap both without disturbing this search.
        serving.Acquire();
        PendingView pending = _pending;
        try
        {
            (QueryResult[] results, long scanned) = await Task.Run(() => BucketScan.Run(serving, pending, request), cancellationToken);
            HyperdMetrics.VectorsScanned.Add(scanned);
            return new BucketSearchResult(serving.Generation, Stale: false, results, scanned);
        }
        finally
        {
            serving.Release();
        }
    }

    public async Task<BucketRows> ReadRowsAsync(BucketReadRequest request, CancellationToken cancellationToken = default)
    {
        await _loaded;
        ThrowIfDamaged();
        ServingGeneration? serving = Serving(request.Generation);
        if (serving is null)
        {
            return new BucketRows(_current?.Generation ?? 0, Stale: true, []);
        }

        serving.Acquire();
        PendingView pending = _pending;
        try
        {
            StoredRow[] rows = await Task.Run(() => BucketRead.Run(serving, pending, request), cancellationToken);
            return new BucketRows(serving.Generation, Stale: false, rows);
        }
        finally
        {
            serving.Release();
        }
    }

    public async Task<BucketMatchCount> CountMatchesAsync(
        long generation, FieldFilter filter, DataField[] fields, CancellationToken cancellationToken = default)
    {
        await _loaded;
        ServingGeneration? serving = Serving(generation);
        if (serving is null)
        {
            return new BucketMatchCount(_current?.Generation ?? 0, Stale: true, 0, 0);
        }

        serving.Acquire();
        try
        {
            long matched = await Task.Run(
                () => serving.Match(filter, () => BucketScan.Match(serving, WireFields.ToFilter(filter)))?.Total ?? 0, cancellationToken);
            return new BucketMatchCount(generation, Stale: false, matched, serving.Index?.Count ?? 0);
        }
        finally
        {
            serving.Release();
        }
    }

    public async Task<BucketCentroids> GetCentroidsAsync(long generation, CancellationToken cancellationToken = default)
    {
        await _loaded;
        return Serving(generation) is { } serving
            ? new BucketCentroids(generation, Stale: false, serving.Index?.AllCentroids.ToArray() ?? [])
            : new BucketCentroids(_current?.Generation ?? 0, Stale: true, []);
    }

    private void ThrowIfDamaged()
    {
        if (_damage is not null)
        {
            throw new InvalidOperationException($"bucket {_bucket} of index '{_index}' cannot answer: {_damage} It serves nothing older than "
                + "what was acknowledged; see the index's WriteFault and docs/reliability.md (a rebuild with AcceptDataLoss recovers).");
        }
    }

    /// <summary>
    /// The current or the prepared generation, if it is <paramref name="generation"/>. A request for a newer one than this replica
    /// knows means it missed a switch (its silo was away at the commit): it catches up with the manifest in the background.
    /// </summary>
    private ServingGeneration? Serving(long generation)
    {
        if (generation > Math.Max(_current?.Generation ?? 0, _prepared?.Generation ?? 0))
        {
            StartSync();
        }

        return generation == _current?.Generation ? _current
            : generation == _prepared?.Generation ? _prepared
            : null;
    }

    public async Task<BucketStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        await _loaded;
        BucketIndex? index = _current?.Index;
        return new BucketStatus(
            _index,
            _bucket,
            _current?.Generation ?? 0,
            index?.Count ?? 0,
            index?.Clusters ?? 0,
            _pending.LiveRows,
            _pending.Latest.Count,
            silo.SiloAddress.ToString(),
            _applied,
            _replica,
            _shard);
    }

    public async Task<long> ApplyAsync(BucketMutation mutation, CancellationToken cancellationToken = default)
    {
        await _loaded;
        if (mutation.Generation > (_current?.Generation ?? 0))
        {
            // Missed a switch: the log before the index's watermark may be gone, the manifest's generation holds it.
            await SyncWithIndexAsync();
        }

        if (mutation.Sequence <= _applied)
        {
            return _pending.Latest.Count; // replayed from the log already (this activation started after the record was written)
        }

        if (mutation.Previous > _applied)
        {
            // An earlier apply did not arrive (a failed call, a restart of the index grain): the log has it.
            await CatchUpAsync(mutation.Previous, cancellationToken);
        }
        else if (mutation.Previous < _applied)
        {
            // This bucket replayed a record the index never acknowledged (a failed append that reached the store after
            // its writer moved on, read before the writer sealed it off): start over from the log, which now excludes it.
            await ReloadAsync(mutation.Previous, cancellationToken);
        }

        SetPending(_pending.With(Held(
            new PendingBatch(mutation.Sequence, mutation.AffectedIds, mutation.UpsertIds, mutation.UpsertUnitVectors, mutation.UpsertFields))));
        _applied = mutation.Sequence;
        return _pending.Latest.Count;
    }

    public async Task<PendingExport> ExportPendingAsync(
        string? storeName, long through, bool salvage, DataField[]? fields = null, CancellationToken cancellationToken = default)
    {
        await _loaded;
        await SyncWithIndexAsync();
        if (salvage)
        {
            await SalvageAsync(through, cancellationToken);
        }
        else if (_damage is not null)
        {
            // What this bucket read is less than what was acknowledged, by how much no one knows: not a rebuild's source.
            throw new LogIntegrityException($"{_damage} Bucket {_bucket} of '{_index}' lost its rows too; only a rebuild that accepts the "
                + "loss (BuildRequest.AcceptDataLoss) can go on.");
        }
        else if (through > _applied)
        {
            await CatchUpAsync(through, cancellationToken);
        }
        else if (through < _applied)
        {
            await ReloadAsync(through, cancellationToken);
        }

        long watermark = through;
        long[] touched = [.. _pending.Latest.Keys];
        long rows = 0;
        if (storeName is not null)
        {
            // Written from this turn's snapshot: the index grain holds appends back until every bucket answered.
            PendingView pending = _pending;
            int d = state.State.Current?.Dimensions ?? throw new InvalidOperationException($"bucket {_bucket} of '{_index}' serves no generation "
                + $"yet.");
            string local = Path.Combine(cache.Root, ".export", $"{Guid.NewGuid():N}.spill");
            Directory.CreateDirectory(Path.GetDirectoryName(local)!);
            try
            {
                long watermarkOfFiles = _current?.Watermark ?? 0;
                FieldSchema? schema = WireFields.ToSchema(fields);
                rows = await Task.Run(() => WriteSpill(pending, watermarkOfFiles, d, local, schema), cancellationToken);
                await store.UploadAsync(local, storeName, cancellationToken);
                if (schema is not null)
                {
                    await store.UploadAsync(FieldSpill.PathFor(local), FieldSpill.PathFor(storeName), cancellationToken);
                }
            }
            finally
            {
                File.Delete(local);
            }
        }

        return new PendingExport(watermark, touched, rows);
    }

    public async Task PrepareGenerationAsync(BucketGeneration generation, CancellationToken cancellationToken = default)
    {
        await _loaded;
        if (_prepared?.Generation == generation.Generation || _current?.Generation == generation.Generation)
        {
            return;
        }

        ServingGeneration opened = await OpenAsync(generation, cancellationToken);
        _prepared?.Release();
        _prepared = opened;
    }

    public async Task<PendingRows> CommitGenerationAsync(BucketGeneration target, CancellationToken cancellationToken = default)
    {
        await _loaded;
        await ServeAsync(target, cancellationToken);
        ServingGeneration current = _current!;
        int d = current.Info.Dimensions;
        var live = _pending.LiveRowsAfter(current.Watermark, d).ToList();
        var vectors = new float[live.Count * d];
        for (int i = 0; i < live.Count; i++)
        {
            live[i].Vector.Span.CopyTo(vectors.AsSpan(i * d, d));
        }

        return new PendingRows([.. live.Select(r => r.Id)], vectors, live.Any(r => r.Fields is not null) ? [.. live.Select(r => r.Fields)] : null);
    }

    /// <summary>Serves <paramref name="target"/> from now on (opening it unless prepared); nothing when it already does.</summary>
    private async Task ServeAsync(BucketGeneration target, CancellationToken cancellationToken)
    {
        await _switch.WaitAsync(cancellationToken);
        try
        {
            long generation = target.Generation;
            if (_current?.Generation == generation)
            {
                return;
            }

            if (_prepared?.Generation != generation)
            {
                await PrepareGenerationAsync(target, cancellationToken);
            }

            ServingGeneration next = _prepared!;
            await WriteAsync(new BucketState { Current = next.Info });

            // Trimmed after the write: an apply may have landed while it was awaited.
            PendingView trimmed = _pending.TrimThrough(next.Watermark);
            _applied = Math.Max(_applied, next.Watermark);
            ServingGeneration? previous = _current;
            _current = next;
            _prepared = null;
            _damage = null;
            SetPending(trimmed);
            previous?.Release();
            logger.LogInformation(
                "Bucket {Index}/{Bucket} replica {Replica} serves generation {Generation} ({Count} vectors, {Pending} pending rows kept)",
                _index,
                _bucket,
                _replica,
                generation,
                next.Index?.Count ?? 0,
                trimmed.LiveRows);
        }
        finally
        {
            _switch.Release();
        }
    }

    public Task AbortGenerationAsync(long generation, CancellationToken cancellationToken = default)
    {
        if (_prepared?.Generation == generation)
        {
            _prepared.Release();
            _prepared = null;
        }

        return Task.CompletedTask;
    }

    public async Task DropAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _loaded;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Dropping is what is asked: a replica that could not load has nothing to keep.
            logger.LogDebug(e, "Bucket {Index}/{Bucket} replica {Replica} dropped without loading", _index, _bucket, _replica);
        }

        _current?.Release();
        _prepared?.Release();
        _current = _prepared = null;
        SetPending(PendingView.Empty);
        _applied = 0;
        _damage = null;
        await state.ClearStateAsync(cancellationToken);
        state.State = new BucketState();
        DeactivateOnIdle();
    }

    public async Task ConfirmAsync(long acknowledged, CancellationToken cancellationToken = default)
    {
        await _loaded;
        await SyncWithIndexAsync();
        if (acknowledged > _applied)
        {
            await CatchUpAsync(acknowledged, cancellationToken);
        }
        else if (acknowledged < _applied)
        {
            await ReloadAsync(acknowledged, cancellationToken);
        }
    }

    public Task MoveToAsync(SiloAddress target, CancellationToken cancellationToken = default)
    {
        if (!target.Equals(silo.SiloAddress))
        {
            // Migration hands the request context to the placement director, which honours the hint.
            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            try
            {
                this.MigrateOnIdle();
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }

        return Task.CompletedTask;
    }

    private async Task<ServingGeneration> OpenAsync(BucketGeneration generation, CancellationToken cancellationToken)
    {
        BucketManifest files = generation.Files;
        if (files.Count == 0 || _shard >= files.ShardCount)
        {
            // A shard beyond the generation's split holds none of its rows.
            return new ServingGeneration(generation, null, null);
        }

        string[] names = [.. files.ShardFileNames(_shard).Select(f => StoreNames.InIndex(_index, f))];
        for (int attempt = 1; ; attempt++)
        {
            foreach (string name in names)
            {
                await cache.EnsureAsync(name, cancellationToken);
            }

            try
            {
                BucketIndex index = await Task.Run(
                    () => BucketIndex.Open(
                        cache.IndexDirectory(_index), files, generation.Dimensions, verify: true, WireFields.ToSchema(generation.Fields), _shard),
                    cancellationToken);
                return new ServingGeneration(generation, index, () => cache.DeleteBucketFiles(names));
            }
            catch (Exception e) when (attempt == 1 && e is IndexFormatException or FileNotFoundException)
            {
                // A damaged local copy (or one a co-located replica of this bucket removed as it left the generation): fetch it again
                // once; a second failure means the store's copy is bad.
                logger.LogWarning(e, "Cached files of bucket {Index}/{Bucket} failed their check; downloading again", _index, _bucket);
                foreach (string name in names)
                {
                    cache.Evict(name);
                }
            }
        }
    }


    /// <summary>
    /// Keeps the rows this bucket holds and adds the readable log records after them, up to <paramref name="through"/> (the
    /// newest sequence any bucket holds). What neither has is lost: logged loudly, folded in by the operator's rebuild.
    /// </summary>
    private async Task SalvageAsync(long through, CancellationToken cancellationToken)
    {
        if (_damage is null && _applied >= through)
        {
            return;
        }

        long from = _applied;
        PendingView pending = _pending;
        int read = 0;
        foreach (LogRecord record in await LogReader.SalvageAsync(store, _index, cancellationToken))
        {
            if (record.Sequence > _applied && record.Sequence <= through)
            {
                pending = pending.With(Held(PendingBatch.From(record, _bucket)));
                read++;
            }
        }

        SetPending(pending);
        _applied = through;
        logger.LogCritical(
            "Bucket {Index}/{Bucket}: data loss accepted; kept what it held through sequence {From} and {Read} readable log records up "
                + "to {Through}; whatever else was acknowledged in that range is lost",
            _index,
            _bucket,
            from,
            read,
            through);
    }

    /// <summary>
    /// Replaces every pending row with the log's from the generation's watermark, through <paramref name="through"/>. The rows
    /// served until the log is read are the old ones: searches interleave with the read, and an empty view would hide
    /// acknowledged rows from them.
    /// </summary>
    private async Task ReloadAsync(long through, CancellationToken cancellationToken)
    {
        logger.LogInformation("Bucket {Index}/{Bucket} reloads its pending rows from the log through sequence {Sequence}", _index, _bucket, through);
        await CatchUpAsync(through, cancellationToken, reload: true);
    }

    /// <summary>
    /// Applies the log records after <see cref="_applied"/> (up to <paramref name="through"/> when given); with it, fails loudly
    /// when the log does not hold that sequence (the store lost records this bucket was told were acknowledged). With
    /// <paramref name="reload"/>, starts over from the generation's watermark instead.
    /// </summary>
    private async Task CatchUpAsync(long? through, CancellationToken cancellationToken, bool reload = false)
    {
        LogContents log = await SharedLogReads.ReadAsync(store, _index, cancellationToken);
        PendingView pending = reload ? PendingView.Empty : _pending;
        long applied = reload ? _current?.Watermark ?? 0 : _applied;
        foreach (LogRecord record in log.Records)
        {
            if (record.Sequence > applied && (through is null || record.Sequence <= through))
            {
                pending = pending.With(Held(PendingBatch.From(record, _bucket)));
                applied = record.Sequence;
            }
        }

        if (through is { } t && applied != t)
        {
            throw new LogIntegrityException($"the write-ahead log of index '{_index}' ends at sequence {applied} but {t} was acknowledged: "
                + "the store lost acknowledged records.");
        }

        SetPending(pending);
        _applied = applied;
    }

    /// <summary>The live pending rows as a build's spill file, with their field values beside it when the index has fields.</summary>
    private static long WriteSpill(PendingView pending, long watermark, int d, string path, FieldSchema? schema)
    {
        using var writer = new SpillFile.Writer(path, d);
        using FieldSpill.Writer? fields = schema is null ? null : new FieldSpill.Writer(FieldSpill.PathFor(path), schema);
        foreach ((long id, ReadOnlyMemory<float> vector, object?[]? values) in pending.LiveRowsAfter(watermark, d))
        {
            writer.Append(id, vector.Span);
            fields?.Append(values ?? new object?[schema!.Count]);
        }

        return writer.Count;
    }

    private async Task WriteAsync(BucketState next)
    {
        BucketState old = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State = old;
            throw;
        }
    }

    /// <summary>
    /// What this shard keeps of a mutation: the first shard of a bucket holds its pending rows (every query probing the bucket
    /// scans them exactly, and only the first shard sees every such query); the others hold only the ids it hides.
    /// </summary>
    private PendingBatch Held(PendingBatch batch) =>
        _shard == 0 || batch.UpsertIds.Length == 0 ? batch : batch with { UpsertIds = [], UpsertUnitVectors = [], UpsertFields = null };

    private void SetPending(PendingView next)
    {
        HyperdMetrics.PendingRows.Add(next.LiveRows - _pending.LiveRows);
        _pending = next;
    }
}
