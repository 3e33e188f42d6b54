using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ZfsPortal.Data;

/// <summary>
/// On SQLite, the writes of this process to one database file take turns here, first come first served, before they
/// ask for SQLite's write lock: the decisions (OperationIntake) and the runs' claims, progress and ends. SQLite hands
/// its lock to whichever waiter retries first, and its busy handler retries ever less often the longer one waits, so
/// a decision that met eight jobs' writes waited seconds while each write held the lock for milliseconds (docs/adr/0029,
/// 0035). Keyed by the file, because the lock is the file's; PostgreSQL's writers queue in the server and pass.
/// </summary>
public static class WriteTurns
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Turns = new(StringComparer.Ordinal);

    /// <summary>Waits for this database's turn; dispose the answer to end it. Never take a turn inside another one.</summary>
    public static async ValueTask<Turn> TakeAsync(PortalDbContext db, CancellationToken ct)
    {
        if (db.Database.GetDbConnection() is not SqliteConnection sqlite)
            return default;
        var turn = Turns.GetOrAdd(sqlite.DataSource, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync(ct);
        return new Turn(turn);
    }

    /// <summary>Whether a writer of this process holds this database's turn now (false on PostgreSQL).</summary>
    public static bool IsTaken(PortalDbContext db) =>
        db.Database.GetDbConnection() is SqliteConnection sqlite
        && Turns.TryGetValue(sqlite.DataSource, out var turn) && turn.CurrentCount == 0;

    public readonly struct Turn(SemaphoreSlim? held) : IDisposable
    {
        public void Dispose() => held?.Release();
    }
}
