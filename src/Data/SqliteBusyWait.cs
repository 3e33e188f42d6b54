using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ZfsPortal.Data;

/// <summary>
/// Lets SQLite itself wait for the write lock (<c>sqlite3_busy_timeout</c>) on every connection the portal opens.
/// Without it Microsoft.Data.Sqlite retries a busy statement after a fixed 150 ms sleep, so a writer that met another
/// writer's lock for a millisecond waited 150 ms (the bench's traces showed waits of exactly 150–151 ms); SQLite's own
/// handler tries again after 1, 2, 5, 10 … 100 ms (docs/adr/0034).
/// </summary>
public sealed class SqliteBusyWait : DbConnectionInterceptor
{
    /// <summary>How long SQLite waits before it answers busy; after that the driver's own retries go on to Default Timeout.</summary>
    public const int Milliseconds = 5000;

    public static readonly SqliteBusyWait Instance = new();

    /// <summary>The portal's SQLite options: its file, the driver's 30 s timeout, and this wait.</summary>
    public static DbContextOptionsBuilder UsePortalSqlite(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString).AddInterceptors(Instance);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Set(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Set(connection);
        return Task.CompletedTask;
    }

    // A native call on the connection's handle: no statement to prepare on every open of a pooled connection.
    private static void Set(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
            SQLitePCL.raw.sqlite3_busy_timeout(handle, Milliseconds);
    }
}
