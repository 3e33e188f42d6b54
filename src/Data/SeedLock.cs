using Microsoft.EntityFrameworkCore;

namespace ZfsPortal.Data;

/// <summary>
/// Seeding one node at a time. Nodes started together on one PostgreSQL each found no roles, no default share type and
/// no demo users, and each inserted them: one failed on a unique index, or both rows stayed (docs/adr/0030). A session-level
/// advisory lock on a connection of its own, held for the whole seed: the seed's other contexts (Identity's) need no part in
/// it. SQLite needs none: its file belongs to one node, which seeds once at start.
/// </summary>
public static class SeedLock
{
    /// <summary>Next to OperationIntake.DecisionLock (…01) and distinct from it: seeding does not hold up decisions.</summary>
    public const long Key = 0x7a66_7370_6f72_7402;

    public static async Task<IAsyncDisposable> HoldAsync(IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct)
    {
        var db = await dbFactory.CreateDbContextAsync(ct);
        if (!db.Database.IsNpgsql())
            return db;
        await db.Database.OpenConnectionAsync(ct);
        await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({Key})", ct);
        return new Held(db);
    }

    private sealed class Held(PortalDbContext db) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Closing the connection would release it too, but a pooled connection stays open in the pool.
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({Key})");
            await db.Database.CloseConnectionAsync();
            await db.DisposeAsync();
        }
    }
}
