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
/// One bucket's build job. The index grain picks its silo with a placement hint (round robin over the active
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
            Engine.Storage.BucketManifest built = await Task.Run(
                () => BucketBuilder.Build(
                    request.Bucket,
                    spill,
                    IndexCountOf(request, spill),
                    request.Dimensions,
                    work,
                    folder,
                    buildOptions,
                    threads,
                    progress,
                    token,
                    schema,
                    Math.Max(1, request.Shards)),
                token);
            _status = Status(BuildJobState.Running, "upload", 0, 0);
            if (built.Count > 0)
            {
                foreach (string file in built.FileNames())
                {
                    await store.UploadAsync(Path.Combine(work, file), StoreNames.InIndex(request.Index, file), token);
                }
            }

            _status = Status(BuildJobState.Succeeded, "done", built.Count, built.Count) with { Result = built };
            logger.LogInformation(
                "Build job {Index}/{Generation}/{Bucket} done: {Count} vectors in {Clusters} clusters",
                request.Index,
                request.Generation,
                request.Bucket,
                built.Count,
                built.Clusters);
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

    private BuildJobReport Status(BuildJobState state, string phase, long done, long total) =>
        new(new BuildJobStatus(_request!.Bucket, state, phase, done, total, silo.SiloAddress.ToString(), null));

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
