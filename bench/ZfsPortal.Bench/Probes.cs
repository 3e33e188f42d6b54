using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Bench;

internal sealed class ProbeResult
{
    /// <summary>IOperationScheduler.Enqueue: Hangfire's job + queue rows written to hangfire.db (in every accept).</summary>
    public Series HangfireEnqueue { get; } = new("Hangfire enqueue (IOperationScheduler.Enqueue)");
    /// <summary>Hangfire's own "Latency" of a succeeded job: created → a worker started it (queue poll + fetch + activation).</summary>
    public Series HangfireLatency { get; } = new("Hangfire latency: job created → processing");
    /// <summary>One small write to portal.db through the portal's DbContext factory (open, read the row, SaveChanges).</summary>
    public Series PortalDbWrite { get; } = new("portal.db: one small write (SaveChanges)");
    /// <summary>One read of a share row through the portal's DbContext factory (what each page nudge does at least once).</summary>
    public Series PortalDbRead { get; } = new("portal.db: one row read");
    /// <summary>A second writer's wait for SQLite's write lock that a first writer holds for 5 ms (Microsoft.Data.Sqlite defaults).</summary>
    public Series LockWaitDefault { get; } = new("SQLite lock wait, writer held 5 ms (Microsoft.Data.Sqlite default)");
    /// <summary>The same with SQLite's own busy handler (PRAGMA busy_timeout) on the waiting connection.</summary>
    public Series LockWaitBusyTimeout { get; } = new("SQLite lock wait, writer held 5 ms (PRAGMA busy_timeout=30000)");

    /// <summary>CPU the idle portal uses (Hangfire's workers polling hangfire.db, timers), in % of one core, over IdleSeconds.</summary>
    public double IdleCpuPercentOfOneCore { get; set; } = double.NaN;
    public double IdleSeconds { get; set; }

    /// <summary>
    /// Before the idle figure: how long until the Hangfire backstop jobs of the operations measured before were all
    /// run (each falls due Portal:HangfireBackstopSeconds after its operation and finds it done), and the portal
    /// process's CPU meanwhile, in % of one core.
    /// </summary>
    public double BackstopDrainSeconds { get; set; } = double.NaN;
    public double BackstopDrainCpuPercentOfOneCore { get; set; } = double.NaN;
    public long BackstopJobsSucceeded { get; set; }
}

/// <summary>Measurements of the parts the operations are made of, to say what holds each one back.</summary>
internal sealed class Probes(BenchPortal portal, TextWriter log)
{
    public ProbeResult Result { get; } = new();

    public async Task RunAsync(int samples, CancellationToken ct)
    {
        await IdleAsync(ct);
        await HangfireAsync(samples, ct);
        await PortalDbAsync(samples, ct);
        await LockWaitAsync(samples, busyTimeout: false, Result.LockWaitDefault, ct);
        await LockWaitAsync(samples, busyTimeout: true, Result.LockWaitBusyTimeout, ct);
        foreach (var s in new[] { Result.HangfireEnqueue, Result.HangfireLatency, Result.PortalDbWrite, Result.PortalDbRead, Result.LockWaitDefault, Result.LockWaitBusyTimeout })
            await log.WriteLineAsync($"  {s.Name}: {s.Describe()}");
    }

    /// <summary>Nothing to do for 10 s: what the portal's process spends on polling and timers (ADR 2 promised this figure).</summary>
    private async Task IdleAsync(CancellationToken ct)
    {
        // Not idle while backstop jobs are still due: wait for them first, and say what they cost.
        var monitoring = portal.Get<JobStorage>().GetMonitoringApi();
        long Pending() => monitoring.ScheduledCount() + monitoring.EnqueuedCount("default") + monitoring.ProcessingCount();
        var succeededBefore = monitoring.SucceededListCount();
        var drain = Stopwatch.StartNew();
        var cpu0 = Machine.CpuReading.Take();
        while (Pending() > 0 && drain.Elapsed < TimeSpan.FromSeconds(120))
            await Task.Delay(250, ct);
        var drained = Machine.CpuReading.Take().Since(cpu0);
        (Result.BackstopDrainSeconds, Result.BackstopDrainCpuPercentOfOneCore, Result.BackstopJobsSucceeded) =
            (drained.Seconds, 100 * drained.Bench, monitoring.SucceededListCount() - succeededBefore);
        await log.WriteLineAsync(Fmt.Inv($"  backstop jobs: {Result.BackstopJobsSucceeded} ran in {drained.Seconds:F0} s at {Result.BackstopDrainCpuPercentOfOneCore:F1} % of one core"));
        await Task.Delay(2000, ct);
        var before = Machine.CpuReading.Take();
        await Task.Delay(10_000, ct);
        var idle = Machine.CpuReading.Take().Since(before);
        Result.IdleSeconds = idle.Seconds;
        Result.IdleCpuPercentOfOneCore = 100 * idle.Bench;
        await log.WriteLineAsync(Fmt.Inv($"  idle portal: {Result.IdleCpuPercentOfOneCore:F1} % of one core over {idle.Seconds:F0} s"));
    }

    /// <summary>
    /// Jobs for operations that do not exist: the portal's own job type, enqueued the portal's way; each claims nothing
    /// and ends. Hangfire records how long each waited before a worker took it.
    /// </summary>
    private async Task HangfireAsync(int samples, CancellationToken ct)
    {
        var jobs = portal.Get<IBackgroundJobClient>();
        var monitoring = portal.Get<JobStorage>().GetMonitoringApi();
        for (var i = 0; i < samples; i++)
        {
            // Spread the enqueues over the poll interval, so they do not lock step with the workers' polling.
            await Task.Delay(50 + (i * 37 % 100), ct);
            var clock = Stopwatch.StartNew();
            var id = jobs.Enqueue<OperationJob>(j => j.RunAsync(Guid.NewGuid(), CancellationToken.None));
            Result.HangfireEnqueue.Add(clock.Elapsed.TotalMilliseconds);
            for (var wait = 0; wait < 200; wait++)
            {
                var details = monitoring.JobDetails(id);
                var succeeded = details?.History.FirstOrDefault(h => h.StateName == "Succeeded");
                if (succeeded is not null)
                {
                    if (succeeded.Data.TryGetValue("Latency", out var latency))
                        Result.HangfireLatency.Add(double.Parse(latency, CultureInfo.InvariantCulture));
                    break;
                }
                await Task.Delay(20, ct);
            }
        }
    }

    private async Task PortalDbAsync(int samples, CancellationToken ct)
    {
        var anyShare = Guid.Empty;
        for (var i = -3; i < samples; i++)
        {
            var clock = Stopwatch.StartNew();
            await using (var db = await portal.Db.CreateDbContextAsync(ct))
            {
                var project = await db.Projects.SingleAsync(p => p.Id == portal.DemoProjectId, ct);
                project.Description = Fmt.Inv($"Demo project (bench write {i})");
                await db.SaveChangesAsync(ct);
            }
            if (i >= 0)
                Result.PortalDbWrite.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            await using (var db = await portal.Db.CreateDbContextAsync(ct))
                _ = await db.Shares.AsNoTracking().Where(s => s.Id == anyShare).Select(s => new { s.Status, s.SizeGiB }).SingleOrDefaultAsync(ct);
            if (i >= 0)
                Result.PortalDbRead.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(10, ct);
        }
    }

    /// <summary>
    /// Two connections to a scratch SQLite file beside the portal's (same disk, WAL, same connection string style):
    /// the first takes the write lock (BEGIN IMMEDIATE, as every portal write does), holds it 5 ms and commits; the
    /// second asks for it 1 ms later. Its wait beyond the 4 ms left shows how the waiting is done.
    /// </summary>
    private async Task LockWaitAsync(int samples, bool busyTimeout, Series into, CancellationToken ct)
    {
        var file = Path.Combine(portal.DataDirectory, $"probe-{(busyTimeout ? "bt" : "default")}.db");
        var cs = $"Data Source={file};Default Timeout=30;Pooling=False";
        await using var a = new SqliteConnection(cs);
        await using var b = new SqliteConnection(cs);
        await a.OpenAsync(ct);
        await b.OpenAsync(ct);
        await Exec(a, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t(x INTEGER);");
        if (busyTimeout)
            await Exec(b, "PRAGMA busy_timeout=30000;");
        for (var i = -2; i < samples; i++)
        {
            var txA = (SqliteTransaction)await a.BeginTransactionAsync(ct);
            await Exec(a, "INSERT INTO t VALUES (1);", txA);
            var started = new TaskCompletionSource();
            var second = Task.Run(async () =>
            {
                var clock = Stopwatch.StartNew();
                started.SetResult();
                await using var txB = (SqliteTransaction)await b.BeginTransactionAsync(ct);
                await Exec(b, "INSERT INTO t VALUES (2);", txB);
                await txB.CommitAsync(ct);
                return clock.Elapsed.TotalMilliseconds;
            }, ct);
            await started.Task;
            Thread.Sleep(5);
            await txA.CommitAsync(ct);
            await txA.DisposeAsync();
            var waited = await second;
            if (i >= 0)
                into.Add(waited);
        }
    }

    private static async Task Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        await cmd.ExecuteNonQueryAsync();
    }
}
