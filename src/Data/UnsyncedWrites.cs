using Microsoft.EntityFrameworkCore;

namespace ZfsPortal.Data;

/// <summary>
/// Commits without waiting for the disk (SQLite <c>synchronous=NORMAL</c> for one write, in WAL mode), for records
/// whose loss in a power cut is harmless because the job that wrote them is safe to run again: an operation's claim,
/// its heartbeat and step records, its end. A power cut may roll such a write back (the operation then reads
/// queued or running again and <see cref="Provisioning.OperationRecovery"/> runs it again, which finds the host
/// already done); a crash of the process alone loses nothing. Writes that record a decision before the host acts
/// (accepting a request, choosing a dataset name) keep the default <c>FULL</c>; each of those also makes the
/// unsynced writes before it durable, since the WAL is synced as a whole. See docs/adr/0011. On PostgreSQL the same
/// trade is <c>synchronous_commit=off</c> for the write (a crash of the server may lose it; nothing else is lost).
/// </summary>
public static class UnsyncedWrites
{
    public static Task<T> WithoutSyncAsync<T>(this PortalDbContext db, Func<Task<T>> write, CancellationToken ct) =>
        RunAsync(db, write, ct);

    public static Task<int> SaveChangesWithoutSyncAsync(this PortalDbContext db, CancellationToken ct) =>
        RunAsync(db, () => db.SaveChangesAsync(ct), ct);

    private static async Task<T> RunAsync<T>(PortalDbContext db, Func<Task<T>> write, CancellationToken ct)
    {
        // One connection for the pragma and the write; it goes back to the pool with FULL again whatever happens.
        var postgres = db.Database.IsNpgsql();
        using var turn = await WriteTurns.TakeAsync(db, ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await db.Database.ExecuteSqlRawAsync(postgres ? "SET synchronous_commit = off;" : "PRAGMA synchronous=NORMAL;", ct);
            return await write();
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync(postgres ? "RESET synchronous_commit;" : "PRAGMA synchronous=FULL;", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }
}
