using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ZfsPortal.Data;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Provisioning;

/// <summary>Operations a decision queued; handed to workers only after the transaction commits.</summary>
public sealed class QueuedWork(DateTime now)
{
    private readonly List<Operation> _operations = [];
    private readonly HashSet<ShareChanged> _changed = [];

    public DateTime Now { get; } = now;
    public IReadOnlyList<Operation> Operations => _operations;
    public IReadOnlyCollection<ShareChanged> Changed => _changed;

    public Operation Queue(PortalDbContext db, OperationKind kind, Share share, string requestedByUserId, int plannedSteps, Guid? snapshotId = null)
    {
        var operation = new Operation
        {
            Kind = kind, ProjectId = share.ProjectId, ShareId = share.Id, SnapshotId = snapshotId,
            RequestedByUserId = requestedByUserId, CreatedAt = Now, PlannedSteps = plannedSteps,
        };
        db.Operations.Add(operation);
        _operations.Add(operation);
        Touched(share);
        return operation;
    }

    public void Touched(Share share) => _changed.Add(new ShareChanged(share.Id, share.ProjectId));
}

/// <summary>
/// How every user action is accepted: one IMMEDIATE transaction in which the action's own decision validates,
/// checks quota, moves the resource to its transitional state and records the operation; then the operations are
/// handed to the scheduler and open pages nudged. A decision that refuses changes nothing.
/// </summary>
public sealed class OperationIntake(
    IDbContextFactory<PortalDbContext> dbFactory, IOperationScheduler scheduler, ShareEvents events, TimeProvider time)
{
    /// <param name="refusesFromSnapshot">
    /// While other writers hold or wait for the turn, read first whether the committed state already refuses the request
    /// and answer that at once (SnapshotRefusal; only for a decision that writes nothing itself, e.g. a create).
    /// </param>
    public async Task<CommandResult> RunAsync(
        Func<PortalDbContext, QueuedWork, Task<CommandResult>> decide, CancellationToken ct, string? onDuplicate = null,
        bool refusesFromSnapshot = false)
    {
        if (refusesFromSnapshot && await SnapshotRefusal.TryAsync(dbFactory, decide, time.GetUtcNow().UtcDateTime, ct) is { } refusal)
            return refusal;
        // A reservation that lost a race to a concurrent one is decided again against the new usage.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryRunAsync(decide, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
            }
            catch (Exception ex) when (attempt < 5 && (ex as PostgresException ?? ex.InnerException as PostgresException) is
                                           { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure })
            {
            }
            catch (DbUpdateException ex) when (onDuplicate is not null && ex.InnerException is SqliteException { SqliteErrorCode: 19 }
                                                                                           or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return CommandResult.Refused(RefusalKind.Conflict, onDuplicate);
            }
            catch (Exception ex) when (IsDiskFull(ex))
            {
                // The transaction rolled back: the decision changed nothing, and the user reads why.
                return CommandResult.Refused(DiskFull);
            }
        }
    }

    public const string DiskFull = "The portal's own disk is full, so nothing was changed. Ask an admin to free space where the "
                                   + "portal keeps its database, then try again.";

    // SQLITE_FULL (or PostgreSQL's disk_full), whether EF wrapped it (SaveChanges) or not (commit).
    private static bool IsDiskFull(Exception ex) =>
        (ex as SqliteException ?? ex.InnerException as SqliteException) is { SqliteErrorCode: 13 }
        || (ex as PostgresException ?? ex.InnerException as PostgresException) is { SqlState: PostgresErrorCodes.DiskFull };

    /// <summary>
    /// PostgreSQL's stand-in for SQLite's IMMEDIATE write lock: one transaction-scoped advisory lock that every decision
    /// takes first, so that decisions are taken one at a time across all portal nodes, as on SQLite within one
    /// (quotas, placement and transitional states are checked and changed together; docs/adr/0024).
    /// </summary>
    public const long DecisionLock = 0x7a66_7370_6f72_7401;

    /// <summary>
    /// Runs a decision the way <see cref="RunAsync"/> does, its writes included, then rolls it back: nothing is kept,
    /// queued or published. The start rehearses a create with it (CreateShareRehearsal, docs/adr/0034).
    /// </summary>
    public Task<CommandResult> RehearseAsync(Func<PortalDbContext, QueuedWork, Task<CommandResult>> decide, CancellationToken ct) =>
        TryRunAsync(decide, ct, rehearsal: true);

    private async Task<CommandResult> TryRunAsync(Func<PortalDbContext, QueuedWork, Task<CommandResult>> decide, CancellationToken ct,
        bool rehearsal = false)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        QueuedWork work;
        CommandResult result;
        // On SQLite a decision takes its turn among the process's writers first (WriteTurns, ADR 29 and 35): waiting
        // there holds no thread, and at the front of the queue SQLite's lock is free but for other processes' writes.
        using (await WriteTurns.TakeAsync(db, ct))
        {
            // Microsoft.Data.Sqlite begins IMMEDIATE transactions: the checks and the writes hold the write lock together.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({DecisionLock})", ct);
            work = new QueuedWork(time.GetUtcNow().UtcDateTime);
            result = await decide(db, work);
            if (!result.Succeeded)
                return result;
            await db.SaveChangesAsync(ct);
            if (rehearsal)
            {
                await tx.RollbackAsync(ct);
                return result;
            }
            await tx.CommitAsync(ct);
        }

        foreach (var operation in work.Operations)
            scheduler.Enqueue(operation.Id);
        foreach (var change in work.Changed)
            events.Publish(change);
        return result;
    }
}
