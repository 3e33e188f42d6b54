using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Hosting;

namespace ZfsPortal.Provisioning;

/// <summary>
/// The one job, run by <see cref="OperationDispatcher"/> at once and by Hangfire as the backstop: takes one of
/// the <see cref="OperationSlots"/>, claims the operation, then lets its handler carry it out. Hangfire does
/// not retry it: a failure is recorded as the share's error state, and crashes are picked up by
/// <see cref="OperationRecovery"/>.
/// </summary>
public sealed class OperationJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    IEnumerable<IOperationHandler> handlers,
    IOperationScheduler scheduler,
    ShareEvents events,
    TimeProvider time,
    ILogger<OperationJob> log,
    OperationSlots slots,
    IOptions<PortalOptions> options)
{
    public static readonly TimeSpan TurnWait = TimeSpan.FromMilliseconds(500);

    private readonly Dictionary<OperationKind, IOperationHandler> _handlers = handlers.ToDictionary(h => h.Kind);
    private readonly OperationKind[] _turnTaking = handlers.Where(h => h.TakesTurnsPerShare).Select(h => h.Kind).ToArray();

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Operation {0}")]
    public async Task RunAsync(Guid operationId, CancellationToken ct)
    {
        // Hangfire's workers and the dispatcher's loops together run at most WorkerCount operations: zfs-fuse 0.7
        // deadlocked with 16 concurrent creates (docs/benchmarks.md). The slot comes before the claim, so that a
        // claimed operation never waits, and a run that loses the claim (the backstop's usual fate) frees it at once.
        await slots.WaitAsync(ct);
        try
        {
            await ClaimAndRunAsync(operationId, ct);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task ClaimAndRunAsync(Guid operationId, CancellationToken ct)
    {
        Operation? operation;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await OperationClaim.TryClaimAsync(db, operationId, time.GetUtcNow().UtcDateTime, options.Value.StaleAfter, _turnTaking, ct))
            {
                if (await OperationClaim.IsStillQueuedAsync(db, operationId, ct))
                {
                    // Waiting for its turn (another sync of the same share runs): look again shortly.
                    scheduler.EnqueueAfter(operationId, TurnWait);
                    return;
                }
                log.LogInformation("Operation {OperationId} is done or taken by another worker; nothing to do", operationId);
                return;
            }
            operation = await db.Operations.AsNoTracking().SingleAsync(o => o.Id == operationId, ct);
        }

        var run = new OperationRun(operation, dbFactory, events, time, options.Value.HeartbeatEvery);
        if (!_handlers.TryGetValue(operation.Kind, out var handler))
        {
            // Ended, not left running: recovery would claim it again forever (a build without the kind's handler).
            log.LogError("Operation {OperationId}: no handler for {Kind}", operationId, operation.Kind);
            await run.FinishAsync(false, $"This portal cannot carry out {operation.Kind} operations; ask an admin to check its version.",
                (_, _) => Task.CompletedTask, CancellationToken.None);
            return;
        }
        try
        {
            await handler.RunAsync(run, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The portal is stopping: the operation stays running and is resumed after the restart.
            throw;
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Operation {OperationId} ({Kind}) failed", operationId, operation.Kind);
            await handler.FailAsync(run, ex, CancellationToken.None);
        }
    }
}
