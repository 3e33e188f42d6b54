using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Tests.Data;

/// <summary>
/// A decision and a run's write of one process take turns before SQLite's lock (ADR 35): a decision that arrives while a
/// run writes waits in the process's queue, holding neither a thread nor SQLite's lock, and goes on when the write ends.
/// </summary>
public sealed class WriteTurnsTests : IDisposable
{
    private readonly TestWorld _world = new();

    [Fact]
    public async Task A_decision_that_arrives_during_a_runs_write_waits_for_its_turn_outside_SQLite_then_is_decided()
    {
        var (project, member) = _world.AddProjectWithMember("alpha");
        await using var db = _world.Db.CreateDbContext();
        var runsWrite = await WriteTurns.TakeAsync(db, CancellationToken.None);

        var decision = _world.RequestShareAsync(member, project, "queued", "1");
        await Task.Delay(200);

        if (_world.Db.IsPostgres)
        {
            // PostgreSQL's writers queue in the server; the process has no turns to take.
            Assert.True((await decision).Succeeded);
            return;
        }
        Assert.False(decision.IsCompleted);
        // SQLite's write lock is free meanwhile: a writer of another process (no busy wait) gets it at once.
        Assert.Equal(0, await OtherProcessWriteAsync(db.Database.GetConnectionString()!));
        runsWrite.Dispose();
        var result = await decision;
        Assert.True(result.Succeeded, result.Error);
        Assert.Single(_world.Scheduler.Enqueued);
    }

    [Fact]
    public async Task A_create_the_quota_already_refuses_is_answered_without_waiting_for_the_turn_and_changes_nothing()
    {
        var (project, member) = _world.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Shares = 1 });
        Assert.True((await _world.RequestShareAsync(member, project, "first", "1")).Succeeded);
        await using var db = _world.Db.CreateDbContext();
        using var runsWrite = await WriteTurns.TakeAsync(db, CancellationToken.None);

        // Answered while the turn is held (on PostgreSQL there is no turn to hold); a wait would time out here.
        var refused = await _world.RequestShareAsync(member, project, "second", "1").WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(RefusalKind.OverQuota, refused.Kind);
        Assert.Contains("quota", refused.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await db.Shares.CountAsync(s => s.ProjectId == project.Id));
        Assert.Single(_world.Scheduler.Enqueued);
    }

    [Fact]
    public async Task A_cancelled_wait_gives_up_its_place_and_the_next_writer_goes_on()
    {
        await using var db = _world.Db.CreateDbContext();
        var first = await WriteTurns.TakeAsync(db, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = WriteTurns.TakeAsync(db, cancel.Token).AsTask();
        await cancel.CancelAsync();
        if (!_world.Db.IsPostgres)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        first.Dispose();
        using var next = await WriteTurns.TakeAsync(db, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<int> OtherProcessWriteAsync(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false, DefaultTimeout = 1 };
        await using var other = new SqliteConnection(builder.ConnectionString);
        await other.OpenAsync();
        SQLitePCL.raw.sqlite3_busy_timeout(other.Handle, 0);
        await using var begin = other.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
        return await begin.ExecuteNonQueryAsync();
    }

    public void Dispose() => _world.Dispose();
}
