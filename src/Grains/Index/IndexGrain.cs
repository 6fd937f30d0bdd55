using System.Diagnostics;
using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Hosting;
using HyperdOrleans.Grains.Log;
using HyperdOrleans.Grains.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// One index. Owns its manifest as persistent state, is the single writer of appends and deletes (so two
/// mutations of one id are ordered), and runs rebuilds in the background of the activation: requests keep
/// being served while a rebuild runs. Appends wait only while a rebuild snapshots pending data or commits.
/// Rebuild steps are in <c>IndexGrain.Rebuild.cs</c>.
/// </summary>
public sealed partial class IndexGrain(
    [PersistentState("index", HyperdStorage.Name)] IPersistentState<IndexState> state,
    IIndexFileStore store,
    IClusterMembershipService membership,
    IOptions<HyperdOptions> options,
    ILogger<IndexGrain> logger) : Grain, IIndexGrain, IIndexRoutingGrain
{
    /// <summary>Held by a mutation, and by a rebuild while it snapshots or commits: they must not interleave.</summary>
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private string _name = "";
    private LshHasher? _hasher;
    private RebuildRun? _rebuild;

    /// <summary>Set when the silo deactivates this grain: a rebuild that fails then is left for the next activation to resume.</summary>
    private volatile bool _deactivating;
    private long _pendingOperations;

    /// <summary>The write-ahead log of appends and deletes; null when it could not be read (then writes are refused).</summary>
    private LogWriter? _log;

    /// <summary>Why writes are refused (the log lost or damaged acknowledged records), or null.</summary>
    private string? _writeFault;

    /// <summary>One automatic recovery rebuild per fault: a second failure is for an operator to look at.</summary>
    private bool _recoveryTried;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _name = this.GetPrimaryKeyString();
        IndexNames.Validate(_name);
        if (state.State.Manifest is { } manifest)
        {
            _hasher = manifest.ToHasher();
        }

        await OpenLogAsync(cancellationToken);
        await ResumeInterruptedRebuildAsync(cancellationToken);
        StartBalancing();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating = true;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Opens the write-ahead log and checks it against what was acknowledged: the watermark the serving generation folded
    /// in, and the newest record any live bucket holds. Less in the log means the store lost data: writes are refused,
    /// loudly, until a rebuild folds what the buckets still hold into a generation. The log is read while the buckets are
    /// asked: writes wait for this activation, and each takes seconds on a loaded silo.
    /// </summary>
    private async Task OpenLogAsync(CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();

        // One answer per shard is enough here: waiting for replicas that re-activate with this grain (their silo died with it)
        // would hold every write until they have downloaded and warmed their files. A replica not heard checks the log itself.
        Task<BucketStatus[]>? statuses = state.State.Exists ? BucketStatusesAsync(cancellationToken, stragglers: TimeSpan.Zero) : null;
        statuses?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        LogContents contents;
        try
        {
            contents = await SharedLogReads.ReadAsync(store, _name, cancellationToken);
        }
        catch (LogIntegrityException e)
        {
            Fault(e.Message);
            return;
        }

        TimeSpan logRead = Stopwatch.GetElapsedTime(started);
        _log = LogWriter.Open(store, _name, contents, options.Value.LogSegmentBytes);
        long acknowledged = state.State.Watermarks.DefaultIfEmpty(0).Max();
        if (statuses is not null)
        {
            try
            {
                BucketStatus[] buckets = await statuses;
                _pendingOperations = buckets.Max(x => x.PendingOperations);
                acknowledged = Math.Max(acknowledged, buckets.Max(x => x.AppliedSequence));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bucket that cannot start now must not take the index down; its own activation checks the log too.
                logger.LogWarning(e, "Index {Index}: could not ask the buckets what they hold on activation", _name);
            }
        }

        logger.LogInformation(
            "Index {Index}: write-ahead log read in {LogSeconds:F1} s ({Records} records in {Segments} segments), ready in {Seconds:F1} s",
            _name,
            logRead.TotalSeconds,
            contents.Records.Count,
            contents.Segments.Count,
            Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (acknowledged > _log.LastSequence)
        {
            _log.SkipTo(acknowledged);
            Fault($"the write-ahead log of index '{_name}' ends at sequence {contents.LastSequence} but sequence {acknowledged} was "
                + "acknowledged: the store lost data.");
        }
    }

    private void Fault(string reason)
    {
        _writeFault = $"{reason} Writes are refused until a rebuild folds the rows the buckets still hold into a new generation (one "
            + "starts by itself; if it fails, a bucket lost its memory too: rebuild with BuildRequest.AcceptDataLoss, hyperd build "
            + "--cluster ... --accept-data-loss); see docs/reliability.md.";
        _recoveryTried = false;
        logger.LogCritical("Index {Index}: {Fault}", _name, _writeFault);
    }

    public async Task<RebuildTicket> BuildAsync(BuildRequest request, CancellationToken cancellationToken = default)
    {
        ForgetPlacementHint();
        if (_rebuild is { } running)
        {
            return new RebuildTicket(
                false,
                running.Generation,
                $"index '{_name}' is already building generation {running.Generation} (phase '{running.Phase}', started {running.StartedUtc:u}); "
                    + $"one rebuild runs at a time: wait for it, then retry.");
        }

        if (request.SourcePath is not null && request.SourceObject is not null)
        {
            throw new ArgumentException(
                $"give index '{_name}' one build source: SourcePath (a file on the silo's disk) or SourceObject (an object under "
                    + $"'{Security.ImportObjectPolicy.Prefix}' in the cluster's file store), not both.",
                nameof(request));
        }

        if (request.Shards is < 0 or > ShardRule.MaxShards)
        {
            throw new ArgumentOutOfRangeException(
                nameof(request),
                request.Shards,
                $"shards per bucket must be between 0 (the cluster's rule chooses) and {ShardRule.MaxShards}, got {request.Shards}.");
        }

        bool fromFile = request.SourcePath is not null || request.SourceObject is not null;
        if (!fromFile && !state.State.Exists)
        {
            throw new ArgumentException(
                $"index '{_name}' has no data to rebuild from: give a source vector file for its first build.",
                nameof(request));
        }

        if (fromFile && state.State.Manifest?.Schema is not null)
        {
            throw new ArgumentException(
                $"index '{_name}' has data fields, which a vector file does not carry: rebuild it from its own data (no source file), "
                + "or drop it and build the file into a new index.",
                nameof(request));
        }

        Engine.Io.VectorFile? file = null;
        if (request.SourcePath is not null)
        {
            // Only inside an import root; reads the header only: a missing or malformed file is refused now, not in the background.
            (string real, file) = Security.BuildSourcePolicy.AdmitAndOpen(options.Value, request.SourcePath, request.RawDimensions);
            request = request with { SourcePath = real };
        }
        else if (request.SourceObject is not null)
        {
            // Only under imports/; the object's first bytes are checked now, the copy is made when the rebuild runs.
            string name = Security.ImportObjectPolicy.Admit(request.SourceObject);
            file = await ImportedSource.ProbeAsync(
                store, name, request.RawDimensions, Path.Combine(options.Value.WorkDirectory, ScratchNames.Folder($"probe-{_name}")));
        }

        // Appends recorded meanwhile keep the index's dimensions: a file of other dimensions is another index.
        if (file is not null && state.State.Manifest is { } manifest && file.Dimensions != manifest.Dimensions)
        {
            throw new ArgumentException(
                $"index '{_name}' has {manifest.Dimensions} dimensions but '{request.SourcePath ?? request.SourceObject}' has {file.Dimensions}: "
                    + "build it under another index name.",
                nameof(request));
        }

        return await StartRebuildAsync(request);
    }

    public async Task<IndexStatus> StatusAsync(CancellationToken cancellationToken = default)
    {
        IndexStatus status = Status();
        if (!status.Exists)
        {
            return status;
        }

        string[][] silos = await ReplicaSilosAsync(cancellationToken);
        return status with { Buckets = [.. status.Buckets.Select(b => b with { ReplicaSilos = silos[b.Bucket] })] };
    }

    public async Task<IndexStatus> WaitForRebuildAsync(TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        if (_rebuild is { } running)
        {
            await Task.WhenAny(running.Finished.Task, Task.Delay(maxWait, cancellationToken));
        }

        return Status();
    }

    public Task<IndexManifest> GetManifestAsync(CancellationToken cancellationToken = default) => Task.FromResult(RequireExisting());

    public async Task<IndexStatus> SetDefaultsAsync(IndexDefaults defaults, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        RequireExisting();
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // Under the gate: a rebuild's commit carries the defaults of the manifest it replaces over to the new one.
            IndexManifest next = IndexViews.WithDefaults(RequireExisting(), defaults);
            state.State.Manifest = next;
            await state.WriteStateAsync(cancellationToken);
            await UploadManifestAsync(next);
        }
        finally
        {
            _writeGate.Release();
        }

        logger.LogInformation(
            "Index {Index}: default search settings set to {LshProbes} LSH probes, nprobe {NProbe}",
            _name,
            defaults.LshProbes,
            defaults.NProbe);
        return Status();
    }

    public async Task<MutationResult> AppendAsync(VectorBatch batch, CancellationToken cancellationToken = default)
    {
        ForgetPlacementHint();
        int d = RequireExisting().Dimensions;
        ArgumentNullException.ThrowIfNull(batch.Ids);
        ArgumentNullException.ThrowIfNull(batch.Vectors);
        ValidateIds(batch.Ids);
        if (batch.Vectors.Length != (long)batch.Ids.Length * d)
        {
            throw new ArgumentException(
                $"{batch.Ids.Length} ids need {(long)batch.Ids.Length * d} values ({d} dimensions each, the index's); got {batch.Vectors.Length}.",
                nameof(batch));
        }

        float[] unit = batch.Vectors.ToArray();
        try
        {
            VectorMath.NormalizeRows(unit, d, 0, "appended vector");
        }
        catch (InvalidVectorException e)
        {
            throw new ArgumentException(e.Message, nameof(batch));
        }

        object?[][]? fields = CheckFields(batch);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await ApplyLockedAsync(batch.Ids, unit, cancellationToken, fields);
        }
        finally
        {
            _writeGate.Release();
        }

        return new MutationResult(batch.Ids.Length, _pendingOperations, await MaybeScheduleRebuildAsync());
    }

    public async Task<MutationResult> DeleteAsync(long[] ids, CancellationToken cancellationToken = default)
    {
        ForgetPlacementHint();
        RequireExisting();
        ArgumentNullException.ThrowIfNull(ids);
        ValidateIds(ids);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            long previous = _log?.LastSequence ?? 0;
            LogRecord record = await LogAsync(sequence => LogRecord.Delete(sequence, ids), cancellationToken);
            await ApplyToBucketsAsync(record, previous, ids.Length);
        }
        finally
        {
            _writeGate.Release();
        }

        return new MutationResult(ids.Length, _pendingOperations, await MaybeScheduleRebuildAsync());
    }

    /// <summary>
    /// Records upserts: each bucket gets the rows that hash to it and every id of the batch (to hide older
    /// copies elsewhere). Every bucket has written its state when this returns, so the rows are durable.
    /// </summary>
    private async Task ApplyLockedAsync(long[] ids, float[] unit, CancellationToken cancellationToken, object?[][]? fields = null)
    {
        int d = state.State.Manifest!.Dimensions;
        var buckets = new byte[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            buckets[i] = (byte)_hasher!.Hash(unit.AsSpan(i * d, d));
        }

        long previous = _log?.LastSequence ?? 0;
        LogRecord record = await LogAsync(sequence => LogRecord.Upsert(sequence, ids, buckets, unit, d, fields), cancellationToken);
        await ApplyToBucketsAsync(record, previous, ids.Length);
    }

    /// <summary>
    /// Hands a logged record to every replica of every bucket at once; pending operations become the distinct ids they hold (as
    /// after a restart). The log is the durable copy: a replica that misses it reads it from there.
    /// </summary>
    private async Task ApplyToBucketsAsync(LogRecord record, long previous, int ids)
    {
        long[] counts = await Task.WhenAll(Members().Select(m => ApplyToBucketAsync(record, previous, m.Bucket, m.Shard, m.Replica)));
        long held = counts.Max();
        _pendingOperations = held >= 0 ? held : _pendingOperations + ids;
    }

    /// <summary>
    /// How long the log write may take: <see cref="HyperdOptions.LogAppendTimeout"/>, or less when the attempt's deadline
    /// (<see cref="WriteDeadline"/>) is nearer, keeping back <see cref="HyperdOptions.ReplicaAttemptTimeout"/> (what handing the
    /// record to the buckets may take) so the reply leaves before the caller gives up. With less than that left, the write is
    /// refused before anything is logged: its caller is giving up on it, and applying it then would make rows of a call it
    /// reports failed visible.
    /// </summary>
    private TimeSpan LogTimeLimit()
    {
        TimeSpan limit = options.Value.LogAppendTimeout;
        if (RequestContext.Get(WriteDeadline.Key) is not long ticks)
        {
            return limit;
        }

        TimeSpan left = TimeSpan.FromTicks(ticks - DateTime.UtcNow.Ticks);
        TimeSpan forLog = left - options.Value.ReplicaAttemptTimeout;
        if (forLog <= TimeSpan.Zero)
        {
            logger.LogWarning("Index {Index}: refused a write with {Left} left of its caller's deadline", _name, left);
            string when = left < TimeSpan.Zero
                ? $"{-left.TotalSeconds:0.###} s after its caller's deadline"
                : $"with {left.TotalSeconds:0.###} s left of its caller's deadline, too little to apply it in time";
            throw new WriteArrivedLateException($"index '{_name}': the write reached the index {when} (held up on the way or behind other writes, "
                + "or the client's clock is behind the silo's); nothing of it was applied. Retry it (appends are upserts by id).");
        }

        return forLog < limit ? forLog : limit;
    }

    /// <summary>
    /// Writes the next record to the log within <see cref="HyperdOptions.LogAppendTimeout"/>. Nothing of a call that fails here
    /// becomes visible: the writer seals the segment before the failed record, and no bucket has been told.
    /// </summary>
    private async Task<LogRecord> LogAsync(Func<long, LogRecord> create, CancellationToken cancellationToken)
    {
        if (_writeFault is not null || _log is null)
        {
            await TryStartRecoveryAsync();
            throw new InvalidOperationException(_writeFault ?? $"index '{_name}' has no write-ahead log open.");
        }

        TimeSpan timeout = LogTimeLimit();
        LogRecord record = create(_log.NextSequence);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _log.AppendAsync(record, deadline.Token);
            return record;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            StartSealing();
            throw new TimeoutException($"index '{_name}': the file store did not confirm the write within {timeout.TotalSeconds:0.#} s "
                + "(storage slow or unreachable). Nothing of this call was applied; retry it (appends are upserts by id).");
        }
        catch (OperationCanceledException)
        {
            // The caller gave up (its deadline) with the write in flight: seal it off like any append whose outcome is unknown.
            StartSealing();
            throw;
        }
        catch (Exception e) when (e is not LogIntegrityException and not OperationCanceledException)
        {
            logger.LogWarning(e, "Index {Index}: writing log sequence {Sequence} failed", _name, record.Sequence);
            StartSealing();
            throw new IOException($"index '{_name}': writing the change to the file store failed ({e.Message}). Nothing of this call was "
                + "applied; retry it (appends are upserts by id).");
        }
        catch (LogIntegrityException e)
        {
            Fault(e.Message);
            await TryStartRecoveryAsync();

            // Without the inner exception: clients know only the contract's types.
            throw new InvalidOperationException(_writeFault);
        }
    }

    /// <summary>
    /// After the log lost records the live buckets still hold every acknowledged row in memory: a rebuild from the index's own
    /// data folds them into a generation, and its commit starts the log over. A bucket that lost its memory too makes the
    /// rebuild fail loudly (it cannot reach the acknowledged sequence); then the fault stays for an operator.
    /// </summary>
    private async Task TryStartRecoveryAsync()
    {
        if (_rebuild is not null || !state.State.Exists || _recoveryTried)
        {
            return;
        }

        _recoveryTried = true;
        try
        {
            RebuildTicket ticket = await StartRebuildAsync(new BuildRequest());
            logger.LogWarning("Index {Index}: rebuilding generation {Generation} to recover from the lost log", _name, ticket.Generation);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Index {Index}: could not start the recovery rebuild", _name);
        }
    }

    /// <summary>
    /// Hands a logged record to one bucket. The record is durable already, so a bucket that cannot take it now (its silo went
    /// away) is not an error: its next activation, or its next apply, reads it from the log.
    /// </summary>
    private async Task<long> ApplyToBucketAsync(LogRecord record, long previous, int bucket, int shard, int replica)
    {
        PendingBatch batch = PendingBatch.From(record, bucket);
        if (shard > 0)
        {
            // Rows go to the bucket's first shard only (it holds the pending rows); the others need the ids to hide.
            batch = batch with { UpsertIds = [], UpsertUnitVectors = [], UpsertFields = null };
        }

        var mutation = new BucketMutation(
            record.Sequence,
            batch.AffectedIds,
            batch.UpsertIds,
            batch.UpsertUnitVectors,
            previous,
            batch.UpsertFields,
            state.State.Manifest?.Generation ?? 0);
        // With replicas, one whose silo just died must not hold the append until the silo is declared dead: one attempt, bounded,
        // and the replica reads the record from the log when it is back. A single replica is waited for (twice), as before.
        bool replicated = ReplicaCount > 1;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                Task<long> apply = Bucket(bucket, replica, shard).ApplyAsync(mutation);
                return replicated ? await apply.WaitAsync(options.Value.ReplicaAttemptTimeout) : await apply;
            }
            catch (Exception e) when (e is not LogIntegrityException)
            {
                if (attempt == 2 || replicated)
                {
                    logger.LogWarning(e, "Index {Index}: bucket {Bucket} replica {Replica} did not take logged sequence {Sequence}; it reads it "
                        + "from the log later", _name, bucket, replica, record.Sequence);
                    return -1;
                }
            }
        }
    }

    private async Task<bool> MaybeScheduleRebuildAsync()
    {
        long threshold = RebuildThreshold(state.State.Manifest?.Count ?? 0);
        if (threshold <= 0 || _pendingOperations < threshold || _rebuild is not null)
        {
            return false;
        }

        logger.LogInformation(
            "Index {Index}: {Pending} pending operations reached the threshold {Threshold}; rebuilding",
            _name,
            _pendingOperations,
            threshold);
        return (await StartRebuildAsync(new BuildRequest())).Accepted;
    }

    /// <summary>
    /// How many pending operations start a rebuild of an index serving <paramref name="built"/> rows (0: never). An index
    /// never built (created empty) gets its first build at <see cref="HyperdOptions.FirstBuildRows"/>; a built one at the
    /// first of <see cref="HyperdOptions.RebuildPendingThreshold"/> and <see cref="HyperdOptions.RebuildPendingFraction"/>
    /// of its rows (never below the first-build rows, so a small index is not rebuilt for a handful of writes).
    /// </summary>
    private long RebuildThreshold(long built)
    {
        HyperdOptions o = options.Value;
        if (built == 0)
        {
            return o.FirstBuildRows > 0 ? o.FirstBuildRows : o.RebuildPendingThreshold;
        }

        long byFraction = o.RebuildPendingFraction > 0 ? Math.Max(o.FirstBuildRows, (long)Math.Ceiling(o.RebuildPendingFraction * built)) : 0;
        return (o.RebuildPendingThreshold, byFraction) switch
        {
            ( <= 0, var f) => f,
            (var t, <= 0) => t,
            (var t, var f) => Math.Min(t, f),
        };
    }

    private IndexStatus Status() => IndexViews.Status(
        _name,
        state.State.Manifest,
        _rebuild?.ToProgress(),
        state.State.LastRebuild,
        _pendingOperations,
        _writeFault,
        GrainContext.Address.SiloAddress?.ToString() ?? "");

    private IndexManifest RequireExisting() =>
        state.State.Manifest ?? throw new KeyNotFoundException($"index '{_name}' does not exist (no build has completed); build it first.");

    private void ValidateIds(long[] ids)
    {
        if (ids.Length == 0)
        {
            throw new ArgumentException("no ids given.", nameof(ids));
        }

        int max = options.Value.MaxIdsPerWrite;
        if (ids.Length > max)
        {
            throw new ArgumentException(
                $"{ids.Length:N0} ids in one call; one append or delete takes at most {max:N0} (Hyperd:MaxIdsPerWrite). Send them in "
                    + "several calls: each is applied all or nothing, and appends are upserts by id, so a retried call is safe.",
                nameof(ids));
        }

        var seen = new HashSet<long>(ids.Length);
        foreach (long id in ids)
        {
            if (!seen.Add(id))
            {
                throw new ArgumentException($"id {id} appears twice in one request.", nameof(ids));
            }
        }
    }

}
