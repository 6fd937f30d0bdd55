using HyperdOrleans.Abstractions;
using HyperdOrleans.Engine.Build;
using HyperdOrleans.Engine.Fields;
using HyperdOrleans.Grains.Fields;
using HyperdOrleans.Grains.Hosting;
using HyperdOrleans.Grains.Storage;
using HyperdOrleans.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using Orleans.Runtime;

namespace HyperdOrleans.Grains.Build;

/// <summary>
/// One build job: a whole bucket, a split bucket's training, or one of its shards (<see cref="BuildJobKind"/>). The index
/// grain picks its silo with a placement hint (round robin over the active
/// silos); random placement is only the fallback when the hinted silo is gone. The work runs on the thread
/// pool, so the grain keeps answering status polls. Its state is in memory only: a fresh activation answers
/// <see cref="BuildJobState.Unknown"/>, which is how the index grain learns a job's silo went away.
/// </summary>
[RandomPlacement]
public sealed class BuildJobGrain(
    IIndexFileStore store,
    IBuildJobGate gate,
    IOptions<HyperdOptions> options,
    ILocalSiloDetails silo,
    ILogger<BuildJobGrain> logger) : Grain, IBuildJobGrain
{
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _cancel = new();
    private BuildJobRequest? _request;
    private volatile BuildJobReport? _status;
    private Task? _work;

    public Task StartAsync(BuildJobRequest request, CancellationToken cancellationToken = default)
    {
        if (_work is null)
        {
            _request = request;
            _status = Status(BuildJobState.Running, "queued", 0, 0);
            _work = RunAsync(request);
        }

        return Task.CompletedTask;
    }

    public Task<BuildJobReport> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_status ?? new BuildJobReport(new BuildJobStatus(
            -1,
            BuildJobState.Unknown,
            "none",
            0,
            0,
            silo.SiloAddress.ToString(),
            null)));

    /// <summary>Returns once the job has stopped, so files the caller deletes next are not re-uploaded by a job still finishing.</summary>
    public async Task CancelAsync(CancellationToken cancellationToken = default)
    {
        _cancel.Cancel();
        if (_work is { } work)
        {
            try
            {
                await work.WaitAsync(CancelWait, cancellationToken);
            }
            catch (TimeoutException)
            {
                logger.LogWarning("Build job {Key} did not stop within {Wait} of its cancellation", this.GetPrimaryKeyString(), CancelWait);
            }
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // The silo is going (or the grain idled out): a running build must not outlive its activation.
        _cancel.Cancel();
        return Task.CompletedTask;
    }

    private async Task RunAsync(BuildJobRequest request)
    {
        CancellationToken token = _cancel.Token;
        string work = Path.Combine(options.Value.WorkDirectory, ScratchNames.Folder("job"));
        try
        {
            await gate.PassAsync(request.Index, request.Generation, request.Bucket, token);
            string spill = Path.Combine(work, "bucket.spill");
            Directory.CreateDirectory(work);
            _status = Status(BuildJobState.Running, "download", 0, 0);
            await store.DownloadAsync(request.SpillName, spill, token);
            FieldSchema? schema = WireFields.ToSchema(request.Fields);
            if (schema is not null)
            {
                await store.DownloadAsync(FieldSpill.PathFor(request.SpillName), FieldSpill.PathFor(spill), token);
            }

            var buildOptions = new IndexBuildOptions
            {
                Clusters = request.Clusters,
                MinPointsPerCluster = request.MinPointsPerCluster,
                Iterations = request.Iterations,
                MaxPointsPerCentroid = request.MaxPointsPerCentroid,
                Seed = request.Seed,
                Storage = (VectorStorage)request.Storage,
            };
            int threads = options.Value.BuildThreads > 0 ? options.Value.BuildThreads : Environment.ProcessorCount;
            var progress = new Progress(this, request);
            string folder = Engine.Storage.ManifestStore.GenerationFolder(request.Generation);
            _status = request.Kind switch
            {
                BuildJobKind.Train => await TrainAsync(request, spill, work, folder, buildOptions, threads, progress, token),
                BuildJobKind.Shard => await WriteShardAsync(request, spill, work, schema, progress, token),
                _ => await BuildWholeAsync(request, spill, work, folder, buildOptions, threads, progress, schema, token),
            };
            logger.LogInformation(
                "Build job {Index}/{Generation}/{Bucket} ({Kind} {Shard}) done", request.Index, request.Generation, request.Bucket, request.Kind,
                request.Shard);
        }
        catch (Exception e)
        {
            string error = e is OperationCanceledException ? "cancelled (its silo stopped or the rebuild failed)" : e.Message;
            _status = new BuildJobReport(Status(BuildJobState.Failed, "failed", 0, 0).Status with { Error = error });
            logger.LogWarning(e, "Build job {Index}/{Generation}/{Bucket} failed", request.Index, request.Generation, request.Bucket);
        }
        finally
        {
            TryDelete(work);
        }
    }

    /// <summary>An unsharded bucket (or one whose shards this job writes too): every file, uploaded, and its manifest entry.</summary>
    private async Task<BuildJobReport> BuildWholeAsync(
        BuildJobRequest request, string spill, string work, string folder, IndexBuildOptions buildOptions, int threads, Progress progress,
        FieldSchema? schema, CancellationToken token)
    {
        Engine.Storage.BucketManifest built = await Task.Run(
            () => BucketBuilder.Build(
                request.Bucket, spill, IndexCountOf(request, spill), request.Dimensions, work, folder, buildOptions, threads, progress, token, schema,
                Math.Max(1, request.Shards)),
            token);
        _status = Status(BuildJobState.Running, "upload", 0, 0);
        await UploadAsync(request.Index, work, built.FileNames(), token);
        return Status(BuildJobState.Succeeded, "done", built.Count, built.Count) with { Result = built };
    }

    /// <summary>A split bucket's training: its centroids file goes to the index's files, its labels beside its spill.</summary>
    private async Task<BuildJobReport> TrainAsync(
        BuildJobRequest request, string spill, string work, string folder, IndexBuildOptions buildOptions, int threads, Progress progress,
        CancellationToken token)
    {
        BucketTraining trained = await Task.Run(
            () => BucketBuilder.Train(
                request.Bucket, spill, IndexCountOf(request, spill), request.Dimensions, work, folder, buildOptions, threads, progress, token,
                Math.Max(1, request.Shards)),
            token);
        _status = Status(BuildJobState.Running, "upload", 0, 0);
        if (trained.Rows > 0)
        {
            await UploadAsync(request.Index, work, [trained.CentroidsFile!], token);
            await store.UploadAsync(
                Path.Combine(work, trained.LabelsFile!), StoreNames.Labels(request.Index, request.Generation, request.Bucket), token);
        }

        return Status(BuildJobState.Succeeded, "done", trained.Rows, trained.Rows) with { Trained = trained };
    }

    /// <summary>One shard's files, from the bucket's spill and the labels its training job uploaded.</summary>
    private async Task<BuildJobReport> WriteShardAsync(
        BuildJobRequest request, string spill, string work, FieldSchema? schema, Progress progress, CancellationToken token)
    {
        BucketTraining trained = request.Training ?? throw new ArgumentException("a shard job needs its bucket's training.", nameof(request));
        string labels = Path.Combine(work, "bucket.labels");
        await store.DownloadAsync(StoreNames.Labels(request.Index, request.Generation, request.Bucket), labels, token);
        Engine.Storage.ShardManifest shard = (await Task.Run(
            () => BucketBuilder.WriteShards(trained, [request.Shard], spill, labels, work, request.Dimensions, schema, progress, token),
            token))[0];
        _status = Status(BuildJobState.Running, "upload", 0, 0);
        await UploadAsync(request.Index, work, shard.FileNames(), token);
        return Status(BuildJobState.Succeeded, "done", shard.Count, shard.Count) with { ShardResult = shard };
    }

    private async Task UploadAsync(string index, string work, IEnumerable<string> files, CancellationToken token)
    {
        foreach (string file in files)
        {
            await store.UploadAsync(Path.Combine(work, file), StoreNames.InIndex(index, file), token);
        }
    }

    private BuildJobReport Status(BuildJobState state, string phase, long done, long total) =>
        new(new BuildJobStatus(
            _request!.Bucket,
            state,
            phase,
            done,
            total,
            silo.SiloAddress.ToString(),
            null,
            _request.Kind == BuildJobKind.Shard ? _request.Shard : null));

    /// <summary>
    /// The index's rows as the coordinator sent them; a coordinator older than that field sends 0, and the bucket then
    /// counts as the whole index (about √8 times the clusters of the coordinator's rule, up to the cap).
    /// </summary>
    private static long IndexCountOf(BuildJobRequest request, string spill) =>
        request.IndexCount > 0 ? request.IndexCount : SpillFile.CountRows(spill, request.Dimensions);

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

    /// <summary>Engine progress reports, from the build's threads, into the status the index grain polls.</summary>
    private sealed class Progress(BuildJobGrain job, BuildJobRequest request) : IProgress<BuildProgress>
    {
        public void Report(BuildProgress value)
        {
            job._status = job.Status(BuildJobState.Running, value.Phase, value.Done, value.Total);
            HyperdMetrics.ReportRebuildProgress(request.Index, request.Bucket, value.Total > 0 ? (double)value.Done / value.Total : 0);
        }
    }
}
