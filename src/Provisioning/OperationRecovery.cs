using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Provisioning;

/// <summary>
/// Finds operations that no worker is carrying out (queued but never picked up, or running with a
/// stopped heartbeat after a crash) and queues them again. Runs at start and every minute; a duplicate
/// job is harmless because a job must win <see cref="OperationClaim"/> first.
/// </summary>
public sealed class OperationRecovery(
    IDbContextFactory<PortalDbContext> dbFactory, IOperationScheduler queue, TimeProvider time, ILogger<OperationRecovery> log)
{
    public static readonly TimeSpan QueuedGrace = TimeSpan.FromSeconds(30);

    public async Task<int> RequeueStrandedAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var queuedBefore = now - QueuedGrace;
        var staleBefore = now - OperationClaim.StaleAfter;
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

/// <summary>Runs the recovery once when the portal starts, after migrations.</summary>
public sealed class OperationRecoveryAtStart(OperationRecovery recovery) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await recovery.RequeueStrandedAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
