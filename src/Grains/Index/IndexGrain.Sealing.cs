using HyperdOrleans.Engine.Lsh;
using Microsoft.Extensions.Logging;

namespace HyperdOrleans.Grains.Index;

/// <summary>
/// After an append whose outcome is unknown, the log is sealed off as soon as the store answers again, not at the next
/// mutation: a stalled store may land the failed append when it resumes, and until a seal follows it, a bucket that
/// activates would replay it. Once sealed, every bucket is told what was acknowledged, so one that replayed the failed
/// record in between drops it.
/// </summary>
public sealed partial class IndexGrain
{
    private bool _sealing;

    private void StartSealing()
    {
        if (!_sealing)
        {
            _sealing = true;
            _ = SealOffAsync();
        }
    }

    private async Task SealOffAsync()
    {
        try
        {
            for (int attempt = 1; _log is { NeedsSeal: true } log; attempt++)
            {
                await _writeGate.WaitAsync();
                try
                {
                    if (log.NeedsSeal)
                    {
                        using var deadline = new CancellationTokenSource(options.Value.LogAppendTimeout);
                        await log.SealOffAsync(deadline.Token);
                        logger.LogInformation("Index {Index}: failed appends sealed off after sequence {Sequence}", _name, log.LastSequence);
                    }

                    long acknowledged = log.LastSequence;
                    await Task.WhenAll(Members().Select(m => ConfirmAsync(m.Bucket, m.Shard, m.Replica, acknowledged)));
                    return;
                }
                catch (Exception e) when (e is not Log.LogIntegrityException)
                {
                    logger.LogDebug(e, "Index {Index}: sealing the log off failed (attempt {Attempt}); retrying", _name, attempt);
                }
                finally
                {
                    _writeGate.Release();
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
        catch (Log.LogIntegrityException e)
        {
            Fault(e.Message);
        }
        finally
        {
            _sealing = false;
        }
    }

    private async Task ConfirmAsync(int bucket, int shard, int replica, long acknowledged)
    {
        try
        {
            await Bucket(bucket, replica, shard).ConfirmAsync(acknowledged);
        }
        catch (Exception e) when (e is not Log.LogIntegrityException)
        {
            // A bucket that cannot answer now replays the sealed log when it next activates.
            logger.LogDebug(e, "Index {Index}: bucket {Bucket} did not confirm sequence {Sequence}", _name, bucket, acknowledged);
        }
    }
}
