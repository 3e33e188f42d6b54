using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Provisioning;

/// <summary>
/// A decision read against SQLite's last committed state, without a turn or the write lock, for a request that state
/// already refuses (docs/adr/0036). A refusal changes nothing, so the moment of the snapshot, taken after the request
/// came, serves as its decision as well as the turn's would; a decision that would accept is made again in its turn.
/// Only for decisions that write nothing but their tracked changes (no SaveChanges, no ExecuteUpdate of their own).
/// </summary>
internal static class SnapshotRefusal
{
    /// <summary>
    /// While another writer of the process holds the turn: the refusal the committed state gives, or null when it would
    /// accept. Null at once when the turn is free (the decision takes it without waiting) and on PostgreSQL (no turns).
    /// </summary>
    public static async Task<CommandResult?> TryAsync(IDbContextFactory<PortalDbContext> dbFactory,
        Func<PortalDbContext, QueuedWork, Task<CommandResult>> decide, DateTime now, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!WriteTurns.IsTaken(db))
            return null;
        await db.Database.OpenConnectionAsync(ct);
        // DEFERRED: one read snapshot from the first SELECT on, and no write lock asked for.
        await using var tx = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        await db.Database.UseTransactionAsync(tx, ct);
        var result = await decide(db, new QueuedWork(now));
        await tx.RollbackAsync(ct);
        return result.Succeeded ? null : result;
    }
}
