using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Engine.Io;
using HyperdOrleans.Engine.Lsh;
using HyperdOrleans.Engine.Storage;
using HyperdOrleans.Grains.Buckets;
using HyperdOrleans.Grains.Build;
using HyperdOrleans.Grains.Fields;
using HyperdOrleans.Grains.Hosting;
using HyperdOrleans.Grains.Log;
using HyperdOrleans.Grains.Storage;
using HyperdOrleans.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// A rebuild: snapshot pending data, partition here, one build job per bucket spread over the silos, then
/// prepare every bucket and switch. Until the switch the old generation serves; a failure before it (a job
/// that fails, a bad file) abandons the new generation and leaves the old one as it was. The rebuild is kept in the
/// grain's state (<see cref="RebuildCheckpoint"/>): when this grain's silo dies, the activation that takes over finishes it.
/// </summary>
public sealed partial class IndexGrain
{
    /// <summary>How often one rebuild is taken over after its index grain's silo died, before it is recorded as failed.</summary>
    internal const int MaxResumes = 2;

    private async Task<RebuildTicket> StartRebuildAsync(BuildRequest request)
    {
        long generation = Math.Max(state.State.Manifest?.Generation ?? 0, state.State.LastStartedGeneration) + 1;
        state.State.LastStartedGeneration = generation;
        state.State.InFlight = new RebuildCheckpoint(generation, request, DateTimeOffset.UtcNow);
        await state.WriteStateAsync();
        Launch(state.State.InFlight);
        return new RebuildTicket(true, generation, $"index '{_name}' is building generation {generation}.");
    }

    private void Launch(RebuildCheckpoint checkpoint)
    {
        var run = new RebuildRun(checkpoint.Generation, checkpoint.StartedUtc);
        _rebuild = run;

        // The rebuild makes only outgoing calls: without this an idle index grain could be collected mid-partition.
        DelayDeactivation(TimeSpan.FromMinutes(30));

        // Runs in this activation's background: its turns interleave with requests, so status and appends keep flowing.
        _ = RebuildAsync(run, checkpoint);
    }

    private async Task RebuildAsync(RebuildRun run, RebuildCheckpoint checkpoint)
    {
        // Started from inside a call (a build request, or an append that crossed the rebuild threshold): that call's request
        // context, a write's deadline among it, is not the rebuild's. Cleared here, it stays as it was for the caller.
        RequestContext.Clear();
        long generation = run.Generation;
        IndexManifest? previous = state.State.Manifest;
        string work = Path.Combine(options.Value.WorkDirectory, ScratchNames.Folder($"rebuild-{_name}-{generation}"));
        bool committed = false;
        RebuildOutcome outcome;
        try
        {
            IndexBuildOptions buildOptions = OptionsFor(checkpoint.Request);
            PartitionCheckpoint part = checkpoint.Partitioned ?? await PartitionAsync(run, checkpoint.Request, buildOptions, work);
            var hasher = new LshHasher(part.Dimensions, part.Planes, part.Thresholds);
            int d = part.Dimensions;
            DataField[]? fields = part.Fields;
            run.Shards = part.Shards;
            if (checkpoint.Partitioned is not null)
            {
                await StopLaterAttemptsAsync(run);
            }

            run.Phase = "build";
            BucketManifest[] built = await RunJobsAsync(run, d, part.Total, buildOptions, fields);

            run.Phase = "prepare";
            var generations = new BucketGeneration[LshHasher.BucketCount];
            for (int b = 0; b < generations.Length; b++)
            {
                generations[b] = new BucketGeneration(generation, built[b], part.Watermarks[b], d, fields);
            }

            // A replica that cannot prepare opens the files when it commits, or from the manifest when it next activates.
            await OnEveryReplicaAsync(
                "prepare the new generation", (b, bucket) => bucket.PrepareGenerationAsync(generations[b]), [.. built.Select(x => x.ShardCount)]);

            run.Phase = "commit";
            await _writeGate.WaitAsync();
            try
            {
                double seconds = Elapsed(run);

                // The manifest serving now (SetDefaultsAsync may have changed it since the rebuild started) hands on its defaults.
                IndexManifest manifest = ManifestStore.Validate(
                    $"generation {generation}",
                    IndexManifest.ForGeneration(
                        generation,
                        hasher,
                        built,
                        BuildManifest.Of(part.SourceName, buildOptions, seconds),
                        state.State.Manifest) with { Schema = WireFields.ToSchema(fields) });
                var next = new IndexState
                {
                    Manifest = manifest,
                    LastStartedGeneration = state.State.LastStartedGeneration,
                    Watermarks = part.Watermarks,
                    LastRebuild = new RebuildOutcome(generation, true, null, seconds, DateTimeOffset.UtcNow, [.. run.Jobs.Select(j => j.Silo)]),
                };
                await WriteStateAsync(next);
                committed = true;
                _hasher = hasher;
                await FoldLogAsync(part.Watermarks[0]);
                await UploadManifestAsync(manifest);
                // One replica per bucket that committed is enough: the others (their silo died) open it from the manifest.
                PendingRows[] leftovers = await OnEveryReplicaAsync(
                    "commit the new generation", (b, bucket) => bucket.CommitGenerationAsync(generations[b]));
                await RehomeLockedAsync(leftovers, d);
                _pendingOperations = await CountPendingAsync(CancellationToken.None);
            }
            finally
            {
                _writeGate.Release();
            }

            outcome = state.State.LastRebuild!;
            logger.LogInformation(
                "Index {Index} switched to generation {Generation}: {Count} vectors, built in {Seconds:F1} s",
                _name,
                generation,
                state.State.Manifest!.Count,
                outcome.Seconds);
            await CleanUpStoreAsync(generation, previous?.Generation ?? 0);
            await BestEffort(RegisterAsync());
        }
        catch (Exception e) when (!committed && _deactivating)
        {
            // The silo is shutting down under the rebuild: the state still holds it, and the next activation finishes it.
            logger.LogWarning(e, "Index {Index}: rebuild to generation {Generation} stopped with its activation; the next one resumes it",
                _name, generation);
            outcome = new RebuildOutcome(generation, false, e.Message, Elapsed(run), DateTimeOffset.UtcNow, []);
        }
        catch (Exception e) when (!committed)
        {
            outcome = new RebuildOutcome(generation, false, e.Message, Elapsed(run), DateTimeOffset.UtcNow, [.. run.Jobs.Select(j => j.Silo)]);
            logger.LogWarning(
                e,
                "Rebuild of index {Index} to generation {Generation} failed in phase {Phase}; generation {Serving} keeps serving",
                _name,
                generation,
                run.Phase,
                state.State.Manifest?.Generation ?? 0);
            await AbandonAsync(run);
            state.State.LastRebuild = outcome;
            state.State.InFlight = null;
            await TryWriteStateAsync();
        }
        catch (Exception e)
        {
            // Committed: the new generation serves; what failed is cleanup or re-homing of a few pending rows.
            outcome = state.State.LastRebuild!;
            logger.LogError(e, "Index {Index} switched to generation {Generation} but finishing the switch failed", _name, generation);
        }
        finally
        {
            TryDelete(work);
            HyperdMetrics.ClearRebuildProgress(_name);
            _rebuild = null;
        }

        HyperdMetrics.Rebuilds.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Succeeded ? "succeeded" : "failed"));
        run.Finished.TrySetResult();
    }

    /// <summary>
    /// Snapshot, source, partition and upload: the new planes and one spill file per bucket in the store. Then the rebuild is
    /// checkpointed, so an activation that takes over goes on from its build jobs instead of partitioning again.
    /// </summary>
    private async Task<PartitionCheckpoint> PartitionAsync(RebuildRun run, BuildRequest request, IndexBuildOptions buildOptions, string work)
    {
        long generation = run.Generation;
        run.Phase = "snapshot";
        PendingExport[] exports = await SnapshotAsync(
            generation, fromFile: request.SourcePath is not null || request.SourceObject is not null, request.AcceptDataLoss);

        run.Phase = request.SourceObject is null ? "source" : "download";
        IVectorSource source = request.SourcePath is { } path
            ? new VectorFileSource(VectorFile.Open(Security.BuildSourcePolicy.Admit(options.Value, path), request.RawDimensions))
            : request.SourceObject is { } name
            ? await ImportedSource.DownloadAsync(store, name, request.RawDimensions, Path.Combine(work, "source"))
            : await OwnDataSourceAsync(generation, exports, work);
        if (source.Count == 0)
        {
            throw new InvalidOperationException($"nothing to build: {source.Name} holds no vectors.");
        }

        // Rows read back from the index's own data carry their fields; a vector file's rows have none.
        DataField[]? fields = WireFields.ToWire((source as IRecordSource)?.Schema);
        run.Phase = "partition";
        var progress = new Progress<BuildProgress>(p => run.ReportPartition(p.Done, p.Total));
        BucketPartitioner.Result partition = await Task.Run(() =>
        {
            LshHasher hasher = BucketPartitioner.FitHasher(source, buildOptions, progress, CancellationToken.None);
            return BucketPartitioner.Partition(source, hasher, Path.Combine(work, "spill"), progress, CancellationToken.None);
        });

        run.Phase = "upload";
        await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount)
            .Select(b => store.UploadAsync(partition.SpillFiles[b], StoreNames.Spill(_name, generation, b))));
        if (fields is not null)
        {
            await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount).Select(b => store.UploadAsync(
                FieldSpill.PathFor(partition.SpillFiles[b]), FieldSpill.PathFor(StoreNames.Spill(_name, generation, b)))));
        }

        TryDelete(Path.Combine(work, "spill"));
        int shards = buildOptions.Shards > 0 ? buildOptions.Shards
            : options.Value.Shards > 0 ? options.Value.Shards
            : ShardRule.Choose(partition.Total, ActiveSilos().Length, ReplicaCount, options.Value.MaxRowsPerShard);
        var part = new PartitionCheckpoint(
            source.Dimensions,
            partition.Hasher.Planes.ToArray(),
            partition.Hasher.Thresholds.ToArray(),
            [.. exports.Select(e => e.Watermark)],
            partition.Total,
            source.Name,
            fields,
            shards);
        await _writeGate.WaitAsync();
        try
        {
            state.State.InFlight = state.State.InFlight! with { Partitioned = part };
            await state.WriteStateAsync();
        }
        finally
        {
            _writeGate.Release();
        }

        return part;
    }

    private static double Elapsed(RebuildRun run) => (DateTimeOffset.UtcNow - run.StartedUtc).TotalSeconds;

    /// <summary>
    /// A rebuild started by an earlier activation that neither committed nor recorded its failure was cut off with that
    /// activation (its silo stopped): this activation finishes it, from its build jobs if its partition reached the store, else
    /// from the start, under the same generation. One that was taken over <see cref="MaxResumes"/> times already is recorded as
    /// failed, and its jobs and files are cleaned up in the background.
    /// </summary>
    private async Task ResumeInterruptedRebuildAsync(CancellationToken cancellationToken)
    {
        long generation = state.State.LastStartedGeneration;
        if (generation <= (state.State.Manifest?.Generation ?? 0) || state.State.LastRebuild?.Generation == generation)
        {
            return;
        }

        if (state.State.InFlight is { } inFlight && inFlight.Generation == generation && inFlight.Resumes < MaxResumes)
        {
            RebuildCheckpoint next = inFlight with { Resumes = inFlight.Resumes + 1 };
            state.State.InFlight = next;
            await state.WriteStateAsync(cancellationToken);
            logger.LogWarning(
                "Index {Index}: the rebuild to generation {Generation} was cut off with its silo; resuming it from {Step} "
                    + "(take-over {Resume} of {Most})",
                _name,
                generation,
                next.Partitioned is null ? "the start" : "its build jobs",
                next.Resumes,
                MaxResumes);
            Launch(next);
            return;
        }

        string serving = state.State.Manifest is { } m ? $"generation {m.Generation} keeps serving" : "the index has no generation yet";
        string why = state.State.InFlight is { Generation: var g } && g == generation
            ? $"its index grain's silo stopped during it {MaxResumes + 1} times"
            : $"the silo that ran index '{_name}' stopped during it";
        state.State.LastRebuild = new RebuildOutcome(
            generation,
            false,
            $"the rebuild to generation {generation} was interrupted: {why}; {serving}. Retry the rebuild.",
            0,
            DateTimeOffset.UtcNow,
            []);
        int shards = state.State.InFlight?.Partitioned?.Shards ?? 1;
        state.State.InFlight = null;
        await state.WriteStateAsync(cancellationToken);
        logger.LogWarning(
            "Index {Index}: the rebuild to generation {Generation} was interrupted with its silo; recorded as failed",
            _name,
            generation);
        _ = AbandonAsync(new RebuildRun(generation, DateTimeOffset.UtcNow) { Shards = shards });
    }

    /// <summary>Under the write gate, so every bucket's watermark marks the same point in the stream of mutations.</summary>
    private async Task<PendingExport[]> SnapshotAsync(long generation, bool fromFile, bool acceptDataLoss)
    {
        await _writeGate.WaitAsync();
        try
        {
            // Every bucket holds the log through this sequence (catching up from the log if an apply did not reach it).
            // After a fault the log may be unreadable or short: the buckets' memory says how far the acknowledged writes went.
            bool salvage = acceptDataLoss && _writeFault is not null && state.State.Exists;
            long through = !state.State.Exists ? 0
                : _writeFault is not null ? await NewestHeldSequenceAsync()
                : _log?.LastSequence ?? throw new InvalidOperationException($"index '{_name}' has no write-ahead log open.");
            if (salvage)
            {
                // Readable records past what any bucket holds are kept too: only what cannot be read is given up.
                IReadOnlyList<LogRecord> readable = await LogReader.SalvageAsync(store, _name);
                through = Math.Max(through, readable.Count > 0 ? readable[^1].Sequence : 0);
                logger.LogCritical("Index {Index}: rebuilding with data loss accepted, through sequence {Sequence}", _name, through);
            }

            return await Task.WhenAll(Enumerable.Range(0, LshHasher.BucketCount).Select(b => OnOneReplicaAsync(b, "export its pending rows",
                bucket => bucket.ExportPendingAsync(
                    fromFile || !state.State.Exists ? null : StoreNames.Pending(_name, generation, b),
                    through,
                    salvage,
                    WireFields.ToWire(state.State.Manifest?.Schema)))));
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>The newest sequence anyone acknowledged: the log writer, the serving generation, or any bucket.</summary>
    private async Task<long> NewestHeldSequenceAsync()
    {
        BucketStatus[] buckets = await BucketStatusesAsync(CancellationToken.None);
        return Math.Max(
            Math.Max(_log?.LastSequence ?? 0, state.State.Watermarks.DefaultIfEmpty(0).Max()),
            buckets.Max(b => b.AppliedSequence));
    }

    /// <summary>The current generation minus every id touched since, plus the live pending rows: the index's data now.</summary>
    private async Task<IVectorSource> OwnDataSourceAsync(long generation, PendingExport[] exports, string work)
    {
        IndexManifest manifest = state.State.Manifest!;
        string current = Path.Combine(work, "current");
        foreach (BucketManifest files in manifest.Buckets.Where(f => f.Count > 0))
        {
            foreach (string relative in files.FileNames())
            {
                await store.DownloadAsync(StoreNames.InIndex(_name, relative), Path.Combine(current, relative));
            }
        }

        var spills = new List<string>();
        for (int b = 0; b < exports.Length; b++)
        {
            if (exports[b].Rows > 0)
            {
                string local = Path.Combine(work, "pending", $"bucket-{b}.spill");
                await store.DownloadAsync(StoreNames.Pending(_name, generation, b), local);
                if (manifest.Schema is not null)
                {
                    await store.DownloadAsync(FieldSpill.PathFor(StoreNames.Pending(_name, generation, b)), FieldSpill.PathFor(local));
                }

                spills.Add(local);
            }
        }

        var excluded = exports.SelectMany(e => e.TouchedIds).ToHashSet();
        return await Task.Run(() => new GenerationSource(current, manifest, manifest.Dimensions, excluded, spills));
    }

    /// <summary>How many times one bucket's build job may run: a job lost with its silo runs again on another silo.</summary>
    internal const int MaxJobAttempts = 3;

    /// <summary>How long a lost job's cancellation is waited for (its silo is usually gone) before the job runs again elsewhere.</summary>
    private static readonly TimeSpan LostJobCancelWait = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Starts one job per bucket round robin over the active silos, then follows them until all succeed. A bucket that is split
    /// into shards gets a training job (k-means, assignment, shard ranges) and then one job per shard, started as soon as its
    /// training is done and spread over the silos too. A job that fails fails the rebuild; a job that is lost (its silo stopped:
    /// it answers as a fresh activation, or not at all) runs again, from the same files in the file store, on another active
    /// silo, up to <see cref="MaxJobAttempts"/> times.
    /// </summary>
    private async Task<BucketManifest[]> RunJobsAsync(
        RebuildRun run, int dimensions, long indexCount, IndexBuildOptions settings, DataField[]? fields)
    {
        SiloAddress[] silos = ActiveSilos();
        BuildJobKind first = run.Shards > 1 ? BuildJobKind.Train : BuildJobKind.Whole;
        var slots = new List<JobSlot>();
        var built = new BucketManifest?[LshHasher.BucketCount];
        var trainings = new BucketTraining?[LshHasher.BucketCount];
        var shards = new ShardManifest?[LshHasher.BucketCount][];
        int started = 0;

        // Where each job goes, before any starts, so status shows the whole plan from the first job on.
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            slots.Add(new JobSlot(b, 0, first, null, silos[started++ % silos.Length]));
        }

        run.Jobs = [.. slots.Select(j => j.Status)];
        foreach (JobSlot slot in slots)
        {
            slot.Grain = await StartJobAsync(run, slot, dimensions, indexCount, settings, fields);
        }

        while (true)
        {
            DelayDeactivation(TimeSpan.FromMinutes(5));
            JobSlot[] running = [.. slots.Where(j => j.Done is null)];
            BuildJobReport[] reports = await Task.WhenAll(
                running.Select(j => PollAsync(j.Grain!, j.Bucket, j.Kind == BuildJobKind.Shard ? j.Shard : null)));
            var next = new List<JobSlot>();
            for (int i = 0; i < running.Length; i++)
            {
                JobSlot slot = running[i];
                BuildJobReport report = reports[i];
                slot.Status = report.Status;
                switch (report.Status.State)
                {
                    case BuildJobState.Failed:
                        throw new InvalidOperationException($"the build job of {slot.What} failed: {report.Status.Error}");
                    case BuildJobState.Unknown:
                        await RestartLostAsync(run, slot, slots, dimensions, indexCount, settings, fields);
                        break;
                    case BuildJobState.Succeeded:
                        slot.Done = report;
                        int b = slot.Bucket;
                        if (slot.Kind == BuildJobKind.Whole)
                        {
                            built[b] = report.Result;
                        }
                        else if (slot.Kind == BuildJobKind.Train)
                        {
                            BucketTraining trained = report.Trained!;
                            trainings[b] = trained;
                            shards[b] = new ShardManifest?[trained.ShardCount];
                            if (trained.Rows == 0)
                            {
                                built[b] = BucketBuilder.Assemble(trained, []);
                            }

                            for (int s = 0; trained.Rows > 0 && s < trained.ShardCount; s++)
                            {
                                SiloAddress[] now = ActiveSilos();
                                next.Add(new JobSlot(b, s, BuildJobKind.Shard, trained, now.Length > 0 ? now[started++ % now.Length] : slot.Placed));
                            }
                        }
                        else
                        {
                            shards[b][slot.Shard] = report.ShardResult;
                            if (shards[b].All(x => x is not null))
                            {
                                built[b] = BucketBuilder.Assemble(trainings[b]!, [.. shards[b].Select(x => x!)]);
                            }
                        }

                        break;
                }
            }

            foreach (JobSlot slot in next)
            {
                slots.Add(slot);
                slot.Grain = await StartJobAsync(run, slot, dimensions, indexCount, settings, fields);
            }

            run.Jobs = [.. slots.Select(j => j.Status)];
            if (built.All(m => m is not null))
            {
                return [.. built.Select(m => m!)];
            }

            await Task.Delay(options.Value.JobPollInterval);
        }
    }

    /// <summary>Runs a lost job again on another active silo, or fails the rebuild when it was lost <see cref="MaxJobAttempts"/> times.</summary>
    private async Task RestartLostAsync(
        RebuildRun run, JobSlot slot, List<JobSlot> slots, int dimensions, long indexCount, IndexBuildOptions settings, DataField[]? fields)
    {
        if (++slot.Attempts == MaxJobAttempts)
        {
            throw new InvalidOperationException(
                $"the build job of {slot.What} was lost {MaxJobAttempts} times (its silo stopped each time); the rebuild can be retried.");
        }

        Task cancel = slot.Grain!.CancelAsync();
        await Task.WhenAny(cancel, Task.Delay(LostJobCancelWait));
        _ = cancel.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default); // observed: its silo is usually gone

        // Another active silo: not the one it was lost on, the one running the fewest of this rebuild's unfinished jobs.
        SiloAddress[] others = [.. ActiveSilos().Where(s => !s.Equals(slot.Placed))];
        SiloAddress target = others.Length == 0
            ? slot.Placed
            : others.MinBy(s => slots.Count(j => j.Done is null && j.Placed.Equals(s)))!;
        logger.LogWarning(
            "Index {Index}: the build job of {Job} was lost on {Silo}; running it again on {Next} (attempt {Attempt} of {Most})",
            _name, slot.What, slot.Placed, target, slot.Attempts + 1, MaxJobAttempts);
        slot.Placed = target;
        slot.Grain = await StartJobAsync(run, slot, dimensions, indexCount, settings, fields);
    }

    /// <summary>
    /// A rebuild taken over at its build jobs follows each job's first attempt again (still running on a surviving silo, or
    /// started afresh where it was lost): jobs that lost-job restarts had started under later attempts are stopped, so no two
    /// jobs write the same bucket's files.
    /// </summary>
    private Task StopLaterAttemptsAsync(RebuildRun run) =>
        BestEffort(Task.WhenAll(JobKeys(run, firstAttempt: 1).Select(key => GrainFactory.GetGrain<IBuildJobGrain>(key).CancelAsync())));

    /// <summary>Every job a rebuild may have started from <paramref name="firstAttempt"/> on: per bucket, its whole or training
    /// job and each shard's, in every attempt.</summary>
    private IEnumerable<string> JobKeys(RebuildRun run, int firstAttempt)
    {
        for (int b = 0; b < LshHasher.BucketCount; b++)
        {
            for (int attempt = firstAttempt; attempt < MaxJobAttempts; attempt++)
            {
                yield return GrainKeys.BuildJob(_name, run.Generation, b, attempt);
                for (int s = 0; run.Shards > 1 && s < run.Shards; s++)
                {
                    yield return GrainKeys.BuildJob(_name, run.Generation, b, attempt, s);
                }
            }
        }
    }

    private SiloAddress[] ActiveSilos() =>
        [.. membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).Order()];

    private async Task<IBuildJobGrain> StartJobAsync(
        RebuildRun run, JobSlot slot, int dimensions, long indexCount, IndexBuildOptions settings, DataField[]? fields)
    {
        int bucket = slot.Bucket;
        IBuildJobGrain job = GrainFactory.GetGrain<IBuildJobGrain>(
            GrainKeys.BuildJob(_name, run.Generation, bucket, slot.Attempts, slot.Kind == BuildJobKind.Shard ? slot.Shard : -1));
        var request = new BuildJobRequest(
            _name,
            run.Generation,
            bucket,
            dimensions,
            StoreNames.Spill(_name, run.Generation, bucket),
            settings.Clusters,
            settings.MinPointsPerCluster,
            settings.Iterations,
            settings.MaxPointsPerCentroid,
            settings.Seed,
            indexCount,
            (IndexStorage)settings.Storage,
            fields,
            run.Shards,
            slot.Kind,
            slot.Shard,
            slot.Training);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, slot.Placed);
        try
        {
            await job.StartAsync(request);
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        return job;
    }

    /// <summary>One build job of a rebuild as the index grain follows it: what it builds, where it runs, how often it was lost.</summary>
    private sealed class JobSlot(int bucket, int shard, BuildJobKind kind, BucketTraining? training, SiloAddress placed)
    {
        public int Bucket => bucket;

        public int Shard => shard;

        public BuildJobKind Kind => kind;

        public BucketTraining? Training => training;

        public SiloAddress Placed { get; set; } = placed;

        public int Attempts { get; set; }

        public IBuildJobGrain? Grain { get; set; }

        public BuildJobReport? Done { get; set; }

        public BuildJobStatus Status { get; set; } =
            new(bucket, BuildJobState.Running, "starting", 0, 0, placed.ToString(), null, kind == BuildJobKind.Shard ? shard : null);

        public string What => kind == BuildJobKind.Shard ? $"bucket {bucket} shard {shard}" : $"bucket {bucket}";
    }

    private static async Task<BuildJobReport> PollAsync(IBuildJobGrain job, int bucket, int? shard)
    {
        try
        {
            BuildJobReport report = await job.GetStatusAsync();
            return report.Status.State == BuildJobState.Unknown
                ? report with { Status = report.Status with { Bucket = bucket, Shard = shard } }
                : report;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new BuildJobReport(new BuildJobStatus(bucket, BuildJobState.Unknown, "unreachable", 0, 0, "", e.Message, shard));
        }
    }

    /// <summary>Pending rows that the new planes hash elsewhere are appended again (same ids), so queries find them in their new bucket.</summary>
    private async Task RehomeLockedAsync(PendingRows[] leftovers, int d)
    {
        var ids = new List<long>();
        var vectors = new List<float>();
        var fields = new List<object?[]?>();
        for (int b = 0; b < leftovers.Length; b++)
        {
            PendingRows rows = leftovers[b];
            for (int i = 0; i < rows.Ids.Length; i++)
            {
                ReadOnlySpan<float> row = rows.UnitVectors.AsSpan(i * d, d);
                if (_hasher!.Hash(row) != b)
                {
                    ids.Add(rows.Ids[i]);
                    vectors.AddRange(row);
                    fields.Add(rows.Fields?[i]);
                }
            }
        }

        if (ids.Count > 0)
        {
            FieldSchema? schema = state.State.Manifest!.Schema;
            object?[][]? values = schema is null ? null : [.. fields.Select(f => f ?? new object?[schema.Count])];
            await ApplyLockedAsync([.. ids], [.. vectors], CancellationToken.None, values);
        }
    }

    /// <summary>
    /// The new generation holds every logged write through <paramref name="watermark"/>: the log drops the segments it no
    /// longer needs, or, if it had lost data, starts over, and writes are accepted again.
    /// </summary>
    private async Task FoldLogAsync(long watermark)
    {
        if (_writeFault is not null)
        {
            _log ??= LogWriter.Open(store, _name, LogContents.Empty, options.Value.LogSegmentBytes);
            _log.SkipTo(watermark);
            await _log.ResetAsync(CancellationToken.None);
            logger.LogWarning("Index {Index}: generation folded in every acknowledged write through {Sequence}; writes accepted again",
                _name, watermark);
            _writeFault = null;
            return;
        }

        await BestEffort(_log!.TruncateThroughAsync(watermark, CancellationToken.None));
    }

    private async Task AbandonAsync(RebuildRun run)
    {
        long generation = run.Generation;
        await BestEffort(Task.WhenAll(JobKeys(run, firstAttempt: 0).Select(key => GrainFactory.GetGrain<IBuildJobGrain>(key).CancelAsync())));
        int[] shards = [.. ServingShards().Select(s => Math.Max(s, run.Shards))];
        await BestEffort(OnEveryReplicaAsync("drop the abandoned generation", (_, bucket) => bucket.AbortGenerationAsync(generation), shards));
        await BestEffort(store.DeletePrefixAsync(StoreNames.GenerationPrefix(_name, generation)));
    }

    /// <summary>Drops the rebuild's scratch files and every generation but the new and the previous one (readers may still map that one).</summary>
    private async Task CleanUpStoreAsync(long generation, long previous)
    {
        await BestEffort(store.DeletePrefixAsync(StoreNames.SpillPrefix(_name, generation)));
        await BestEffort(store.DeletePrefixAsync(StoreNames.PendingPrefix(_name, generation)));
        IReadOnlyList<string> names = await store.ListAsync(StoreNames.IndexPrefix(_name));

        // Abandoned rebuilds' leftovers go too; their numbers are never reused.
        foreach (long old in names.Select(n => GenerationOf(n)).Where(g => g > 0 && g != generation && g != previous).Distinct())
        {
            await BestEffort(store.DeletePrefixAsync(StoreNames.GenerationPrefix(_name, old)));
        }
    }

    private long GenerationOf(string name)
    {
        string rest = name[StoreNames.IndexPrefix(_name).Length..];
        return rest.StartsWith("gen-", StringComparison.Ordinal) && rest.IndexOf('/') is > 4 and int slash
            && long.TryParse(rest.AsSpan(4, slash - 4), out long g) ? g : 0;
    }

    /// <summary>The engine's manifest of the generation, next to its files in the store, so the store's index folder opens with
    /// the engine too.</summary>
    private async Task UploadManifestAsync(IndexManifest manifest)
    {
        string local = Path.Combine(options.Value.WorkDirectory, ScratchNames.Folder("manifest"));
        Directory.CreateDirectory(local);
        try
        {
            ManifestStore.Write(local, manifest);
            await store.UploadAsync(ManifestStore.PathIn(local), StoreNames.Manifest(_name));
        }
        finally
        {
            TryDelete(local);
        }
    }

    /// <summary>The serving generation's build settings (or the defaults, for a first build) with the request's overrides.</summary>
    private IndexBuildOptions OptionsFor(BuildRequest request)
    {
        IndexBuildOptions s = state.State.Manifest?.Build.ToOptions() ?? new IndexBuildOptions();
        return s with
        {
            Clusters = request.Clusters ?? s.Clusters,
            Seed = request.Seed ?? s.Seed,
            Iterations = request.Iterations ?? s.Iterations,
            Storage = (VectorStorage?)request.Storage ?? s.Storage,
            Shards = request.Shards ?? s.Shards,
        };
    }

    private async Task WriteStateAsync(IndexState next)
    {
        IndexState old = state.State;
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

    private async Task TryWriteStateAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Index {Index}: could not record the failed rebuild's outcome", _name);
        }
    }

    private async Task BestEffort(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Index {Index}: best-effort cleanup step failed", _name);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Scratch space only.
        }
    }
}
