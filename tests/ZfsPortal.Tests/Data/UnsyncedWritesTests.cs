using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Tests.Data;

/// <summary>
/// An unsynced write commits like any other, and the pooled connection it used goes back with full sync, so the
/// writes that must reach the disk before the host acts are never relaxed by accident.
/// </summary>
public sealed class UnsyncedWritesTests : IDisposable
{
    // Pooled, as in the portal: the pragma would otherwise stay on the connection the next context gets.
    private readonly TestDatabase _db = new(pooled: true);

    [Fact]
    public async Task An_unsynced_write_is_committed_and_the_next_write_is_synced_again()
    {
        long during;
        await using (var db = _db.CreateDbContext())
        {
            AuditLog.Add(db, DateTime.UtcNow, new CurrentUser("u1", "someone@example.test", false), "test.write", "unsynced");
            during = await db.WithoutSyncAsync(async () =>
            {
                var level = await SynchronousAsync(db.Database.GetDbConnection());
                await db.SaveChangesAsync();
                return level;
            }, CancellationToken.None);
        }

        await using var next = _db.CreateDbContext();
        await next.Database.OpenConnectionAsync();
        Assert.Equal(1, during); // NORMAL
        Assert.Equal(2, await SynchronousAsync(next.Database.GetDbConnection())); // FULL
        Assert.True(await next.Audit.AnyAsync(a => a.Target == "unsynced"));
    }

    [Fact]
    public async Task A_failed_unsynced_write_still_hands_the_connection_back_with_full_sync()
    {
        await using (var db = _db.CreateDbContext())
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() =>
                db.WithoutSyncAsync<int>(() => throw new InvalidOperationException("boom"), CancellationToken.None));
        }

        await using var next = _db.CreateDbContext();
        await next.Database.OpenConnectionAsync();
        Assert.Equal(2, await SynchronousAsync(next.Database.GetDbConnection()));
    }

    private static async Task<long> SynchronousAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _db.Dispose();
    }
}
