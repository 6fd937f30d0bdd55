using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Grains.Buckets;
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
    private long _pendingOperations;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _name = this.GetPrimaryKeyString();
        IndexNames.Validate(_name);
        if (state.State.Manifest is { } manifest)
        {
            _hasher = manifest.ToHasher();
            try
            {
                _pendingOperations = await CountPendingAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Only the rebuild trigger uses the count: a bucket that cannot start now must not take the index down.
                logger.LogWarning(e, "Index {Index}: could not count pending operations on activation", _name);
            }
        }
    }

    public async Task<RebuildTicket> BuildAsync(BuildRequest request, CancellationToken cancellationToken = default)
    {
        if (_rebuild is { } running)
        {
            return new RebuildTicket(
                false,
                running.Generation,
                $"index '{_name}' is already building generation {running.Generation} (phase '{running.Phase}', started {running.StartedUtc:u}); "
                    + $"one rebuild runs at a time: wait for it, then retry.");
        }

        if (request.SourcePath is null && !state.State.Exists)
        {
            throw new ArgumentException(
                $"index '{_name}' has no data to rebuild from: give a source vector file for its first build.",
                nameof(request));
        }

        if (request.SourcePath is not null)
        {
            // Only inside an import root; reads the header only: a missing or malformed file is refused now, not in the background.
            (string real, Engine.Io.VectorFile file) =
                Security.BuildSourcePolicy.AdmitAndOpen(options.Value, request.SourcePath, request.RawDimensions);
            request = request with { SourcePath = real };

            // Appends recorded meanwhile keep the index's dimensions: a file of other dimensions is another index.
            if (state.State.Manifest is { } manifest && file.Dimensions != manifest.Dimensions)
            {
                throw new ArgumentException(
                    $"index '{_name}' has {manifest.Dimensions} dimensions but '{request.SourcePath}' has {file.Dimensions}: build it under another "
                        + $"index name.",
                    nameof(request));
            }
        }

        return await StartRebuildAsync(request);
    }

    public Task<IndexStatus> StatusAsync(CancellationToken cancellationToken = default) => Task.FromResult(Status());

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

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await ApplyLockedAsync(batch.Ids, unit, cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }

        return new MutationResult(batch.Ids.Length, _pendingOperations, await MaybeScheduleRebuildAsync());
    }

    public async Task<MutationResult> DeleteAsync(long[] ids, CancellationToken cancellationToken = default)
    {
        RequireExisting();
        ArgumentNullException.ThrowIfNull(ids);
        ValidateIds(ids);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            var mutation = new BucketMutation(ids, [], []);
            await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount).Select(b => Bucket(b).ApplyAsync(mutation, cancellationToken)));
            _pendingOperations += ids.Length;
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
    private async Task ApplyLockedAsync(long[] ids, float[] unit, CancellationToken cancellationToken)
    {
        int d = state.State.Manifest!.Dimensions;
        var rows = new List<int>[LshHasher.BucketCount];
        for (int i = 0; i < ids.Length; i++)
        {
            (rows[_hasher!.Hash(unit.AsSpan(i * d, d))] ??= []).Add(i);
        }

        await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount).Select(b =>
        {
            List<int> mine = rows[b] ?? [];
            var vectors = new float[mine.Count * d];
            for (int j = 0; j < mine.Count; j++)
            {
                unit.AsSpan(mine[j] * d, d).CopyTo(vectors.AsSpan(j * d, d));
            }

            return Bucket(b).ApplyAsync(new BucketMutation(ids, [.. mine.Select(i => ids[i])], vectors), cancellationToken);
        }));
        _pendingOperations += ids.Length;
    }

    private async Task<bool> MaybeScheduleRebuildAsync()
    {
        long threshold = options.Value.RebuildPendingThreshold;
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

    private IndexStatus Status() => IndexViews.Status(
        _name,
        state.State.Manifest,
        _rebuild?.ToProgress(),
        state.State.LastRebuild,
        _pendingOperations);

    private IndexManifest RequireExisting() =>
        state.State.Manifest ?? throw new KeyNotFoundException($"index '{_name}' does not exist (no build has completed); build it first.");

    private static void ValidateIds(long[] ids)
    {
        if (ids.Length == 0)
        {
            throw new ArgumentException("no ids given.", nameof(ids));
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

    private async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        BucketStatus[] statuses = await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount)
            .Select(b => Bucket(b).StatusAsync(cancellationToken)));
        return statuses.Max(x => x.PendingOperations);
    }

    private IBucketGrain Bucket(int bucket) => GrainFactory.GetGrain<IBucketGrain>(GrainKeys.Bucket(_name, bucket));
}
