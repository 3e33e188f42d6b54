using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Provisioning;

/// <summary>
/// Compare-and-set on the portal's own database: a job works on an operation only after moving it from
/// queued (or from a running state whose heartbeat stopped) to running. Job storages can run one job
/// twice (see docs/adr/0004-claim-operations-in-the-portal-database.md); the loser of the claim ends quietly.
/// </summary>
public static class OperationClaim
{
    /// <param name="staleAfter">A running operation's heartbeat older than this means its run died (Portal:HeartbeatSeconds × 6).</param>
    /// <param name="turnTaking">
    /// Kinds whose runs of one share take turns (<see cref="IOperationHandler.TakesTurnsPerShare"/>), with each other too: an access
    /// rule sync and a reconciler's repair both apply the share's whole export set.
    /// </param>
    public static async Task<bool> TryClaimAsync(
        PortalDbContext db, Guid operationId, DateTime now, TimeSpan staleAfter, IReadOnlyCollection<OperationKind> turnTaking,
        CancellationToken ct)
    {
        var staleBefore = now - staleAfter;
        if (db.Database.IsNpgsql() && turnTaking.Count > 0)
            return await TryClaimOnPostgresAsync(db, operationId, now, staleAfter, turnTaking, ct);
        return await TryClaimOnceAsync(db, operationId, now, staleBefore, turnTaking, ct);
    }

    /// <summary>
    /// On SQLite every write is serialised, so the turn check and the claim are one. On PostgreSQL two nodes could each
    /// see the other's operation of the same share still queued and both claim: the claim first takes a lock on the
    /// operation's share (transaction-scoped, advisory), and the claim's statement then sees any claim committed before.
    /// </summary>
    private static async Task<bool> TryClaimOnPostgresAsync(
        PortalDbContext db, Guid operationId, DateTime now, TimeSpan staleAfter, IReadOnlyCollection<OperationKind> turnTaking,
        CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync(
            $"""SELECT pg_advisory_xact_lock(hashtextextended("ShareId"::text, 0)) FROM "Operations" WHERE "Id" = {operationId}""", ct);
        var claimed = await TryClaimOnceAsync(db, operationId, now, now - staleAfter, turnTaking, ct);
        await tx.CommitAsync(ct);
        return claimed;
    }

    private static async Task<bool> TryClaimOnceAsync(
        PortalDbContext db, Guid operationId, DateTime now, DateTime staleBefore, IReadOnlyCollection<OperationKind> turnTaking,
        CancellationToken ct)
    {
        // Unsynced: a claim lost in a power cut leaves the operation queued, and it runs again (ADR 11).
        var claimed = await db.WithoutSyncAsync(() => db.Operations
            .Where(o => o.Id == operationId
                        && (o.State == OperationState.Queued
                            || (o.State == OperationState.Running && o.HeartbeatAt < staleBefore))
                        && !(turnTaking.Contains(o.Kind)
                             && db.Operations.Any(other => other.Id != o.Id && other.ShareId == o.ShareId
                                                           && turnTaking.Contains(other.Kind)
                                                           && other.State == OperationState.Running
                                                           && other.HeartbeatAt >= staleBefore)))
            .ExecuteUpdateAsync(u => u
                .SetProperty(o => o.State, OperationState.Running)
                .SetProperty(o => o.StartedAt, o => o.StartedAt ?? now)
                .SetProperty(o => o.HeartbeatAt, now)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1), ct), ct);
        return claimed == 1;
    }

    /// <summary>True when the operation still waits to run (its claim was lost to a turn, not to another worker).</summary>
    public static Task<bool> IsStillQueuedAsync(PortalDbContext db, Guid operationId, CancellationToken ct) =>
        db.Operations.AnyAsync(o => o.Id == operationId && o.State == OperationState.Queued, ct);
}
