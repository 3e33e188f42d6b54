using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Hosting;

namespace ZfsPortal.Provisioning;

/// <summary>
/// Finds operations that no worker is carrying out (queued but never picked up, or running with a
/// stopped heartbeat after a crash) and queues them again. <see cref="OperationRecoveryLoop"/> runs it at start and
/// every <c>Portal:RecoverySeconds</c>; a duplicate job is harmless because a job must win <see cref="OperationClaim"/> first.
/// </summary>
public sealed class OperationRecovery(
    IDbContextFactory<PortalDbContext> dbFactory, IOperationScheduler queue, TimeProvider time, IOptions<PortalOptions> options,
    ILogger<OperationRecovery> log)
{
    public async Task<int> RequeueStrandedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var queuedBefore = now - TimeSpan.FromSeconds(options.Value.QueuedGraceSeconds);
        var staleBefore = now - options.Value.StaleAfter;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stranded = await db.Operations
            .Where(o => (o.State == OperationState.Queued && o.CreatedAt < queuedBefore)
                        || (o.State == OperationState.Running && o.HeartbeatAt < staleBefore))
            .Select(o => o.Id)
            .ToListAsync(ct);
        foreach (var id in stranded)
        {
            log.LogWarning("Operation {OperationId} was stranded; queuing it again", id);
            queue.Enqueue(id);
        }
        return stranded.Count;
    }
}

/// <summary>
/// Runs the recovery once when the portal starts, after migrations (hosted services start in order, the dispatcher
/// first), then every <c>Portal:RecoverySeconds</c> on every node that runs jobs. A loop of its own rather than a
/// Hangfire recurring job: the interval can be shorter than Hangfire's one-minute cron resolution, and a pass writes
/// nothing to hangfire.db. Two nodes recovering at once is harmless (the claim decides).
/// </summary>
public sealed class OperationRecoveryLoop(
    OperationRecovery recovery, IOptions<PortalOptions> options, TimeProvider time, ILogger<OperationRecoveryLoop> log)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await recovery.RequeueStrandedAsync(cancellationToken);
        _loop = LoopAsync(_stopping.Token);
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RecoverySeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    await recovery.RequeueStrandedAsync(stop);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // portal.db locked or unavailable: the next pass tries again.
                    log.LogWarning(ex, "Looking for stranded operations failed; trying again in {Seconds} s", options.Value.RecoverySeconds);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private int _stopped;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may stop a service its container has disposed already (a test portal disposed twice): once is enough.
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
            return;
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
            _stopping.Cancel(); // disposed without a stop: the loop ends too
        _stopping.Dispose();
    }
}
