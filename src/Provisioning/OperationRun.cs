using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Provisioning;

/// <summary>What a step may say about itself, e.g. "already present; nothing to do".</summary>
public sealed class StepNote
{
    public string? Detail { get; set; }
}

/// <summary>A step of an operation failed; the message names the step.</summary>
public sealed class OperationStepFailedException(string step, Exception inner)
    : Exception($"{step} failed: {inner.Message}", inner)
{
    public string Step { get; } = step;
}

/// <summary>
/// One claimed run of an operation. Records each step with its timing and the host commands it ran, keeps the
/// heartbeat fresh, and nudges open pages after every write. Step records ride along with the run's next write
/// (a state saved before the host is touched, or the final one), so a quick operation costs two or three
/// portal.db commits rather than one per step; a step that runs longer than <see cref="ShowProgressAfter"/> writes
/// the records before it at once, so a page shows progress while it runs.
/// </summary>
public sealed class OperationRun(
    Operation operation, IDbContextFactory<PortalDbContext> dbFactory, ShareEvents events, TimeProvider time,
    TimeSpan heartbeatEvery)
    : IHostCommandLog
{
    /// <summary>How long a step may run before the steps finished so far are written for open pages to show.</summary>
    public static readonly TimeSpan ShowProgressAfter = TimeSpan.FromMilliseconds(300);

    private readonly ConcurrentQueue<HostCommandRecord> _commands = new();
    private readonly ConcurrentQueue<OperationStep> _steps = new();

    public Guid OperationId => operation.Id;
    public Guid ShareId => operation.ShareId;
    public Guid? SnapshotId => operation.SnapshotId;
    public OperationKind Kind => operation.Kind;
    public Guid ProjectId => operation.ProjectId;
    public int Attempt => operation.Attempts;

    public void Add(HostCommandRecord record) => _commands.Enqueue(record);

    public async Task<T> StepAsync<T>(string name, Func<StepNote, Task<T>> action, CancellationToken ct)
    {
        var note = new StepNote();
        var startedAt = time.GetUtcNow().UtcDateTime;
        var clock = Stopwatch.StartNew();
        T result;
        Exception? failure = null;
        using (var beating = new CancellationTokenSource())
        {
            var heartbeat = BeatWhileAsync(beating.Token);
            try
            {
                result = await action(note);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                failure = ex;
                result = default!;
            }
            finally
            {
                await beating.CancelAsync();
                await heartbeat;
            }
        }
        if (failure is not null)
        {
            Record(name, startedAt, clock.Elapsed, StepOutcome.Failed, failure.Message);
            throw new OperationStepFailedException(name, failure);
        }
        Record(name, startedAt, clock.Elapsed, StepOutcome.Succeeded, note.Detail);
        return result;
    }

    /// <summary>Records a decision that took no host work (e.g. a refusal), so the step list says what happened.</summary>
    public void Note(string name, StepOutcome outcome, string? detail) =>
        Record(name, time.GetUtcNow().UtcDateTime, TimeSpan.Zero, outcome, detail);

    public Task StepAsync(string name, Func<StepNote, Task> action, CancellationToken ct) =>
        StepAsync<bool>(name, async note => { await action(note); return true; }, ct);

    /// <summary>
    /// While a step runs: after <see cref="ShowProgressAfter"/>, writes the records so far (pages show progress);
    /// then every heartbeat (Portal:HeartbeatSeconds), keeps a long step (a big send/receive) from looking stranded to
    /// <see cref="OperationRecovery"/>.
    /// </summary>
    private async Task BeatWhileAsync(CancellationToken stop)
    {
        try
        {
            for (var wait = ShowProgressAfter; ; wait = heartbeatEvery)
            {
                await Task.Delay(wait, time, stop);
                // Only the wait is cancelled when the step ends: a write under way holds records taken off the queue.
                await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
                var now = time.GetUtcNow().UtcDateTime;
                var op = await db.Operations.SingleAsync(o => o.Id == OperationId, CancellationToken.None);
                op.HeartbeatAt = now;
                var shown = AddPendingRecords(db);
                await db.SaveChangesWithoutSyncAsync(CancellationToken.None);
                if (shown)
                    events.Publish(new ShareChanged(ShareId, ProjectId));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    public async Task<Share> LoadShareAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Shares.AsNoTracking().Include(s => s.ShareType).SingleAsync(s => s.Id == ShareId, ct);
    }

    /// <summary>The snapshot a snapshot operation works on.</summary>
    public async Task<Snapshot> LoadSnapshotAsync(CancellationToken ct) =>
        await ReadAsync(db => db.Snapshots.AsNoTracking().SingleOrDefaultAsync(s => s.Id == SnapshotId, ct), ct)
        ?? throw new InvalidOperationException("The snapshot record is gone.");

    /// <summary>Saves a change to the share before the host is touched, so a resumed run sees it.</summary>
    public async Task UpdateShareAsync(Action<Share> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var share = await db.Shares.SingleAsync(s => s.Id == ShareId, ct);
        change(share);
        share.UpdatedAt = time.GetUtcNow().UtcDateTime;
        AddPendingRecords(db);
        using (await WriteTurns.TakeAsync(db, ct))
            await db.SaveChangesAsync(ct);
        events.Publish(new ShareChanged(ShareId, ProjectId));
    }

    /// <summary>Ends the operation and sets the share's final state in one transaction.</summary>
    public Task FinishAsync(bool succeeded, string? message, Action<Share> finalState, CancellationToken ct) =>
        FinishAsync(succeeded, message, async (db, now) =>
        {
            if (await db.Shares.SingleOrDefaultAsync(s => s.Id == ShareId, ct) is { } share)
            {
                finalState(share);
                share.UpdatedAt = now;
            }
        }, ct);

    /// <summary>
    /// Ends the operation as failed: the share in its named error state with the sentence that says what to do, and
    /// any size it had reserved released.
    /// </summary>
    public Task FailShareAsync(ShareStatus errorState, string message, CancellationToken ct) =>
        FinishAsync(false, message, s => (s.Status, s.StatusMessage, s.PendingSizeGiB) = (errorState, message, null), ct);

    /// <summary>Ends the operation as failed, with the snapshot it works on in its named error state.</summary>
    public Task FailSnapshotAsync(SnapshotStatus errorState, string message, CancellationToken ct) =>
        FinishAsync(false, message, async (db, now) =>
        {
            if (await db.Snapshots.SingleOrDefaultAsync(s => s.Id == SnapshotId, ct) is { } row)
                (row.Status, row.StatusMessage, row.UpdatedAt) = (errorState, message, now);
        }, ct);

    /// <summary>"What could not be done: why. What to do." — the shape of every failure a user reads.</summary>
    public static string Sentence(string whatFailed, Exception failure, string advice) =>
        $"{whatFailed}: {failure.Message.TrimEnd('.')}. {advice}";

    /// <summary>Ends the operation and applies its final changes (any rows) in one transaction.</summary>
    public async Task FinishAsync(bool succeeded, string? message, Func<PortalDbContext, DateTime, Task> finalChanges, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var op = await db.Operations.SingleAsync(o => o.Id == OperationId, ct);
        var now = time.GetUtcNow().UtcDateTime;
        op.State = succeeded ? OperationState.Succeeded : OperationState.Failed;
        op.FinishedAt = now;
        op.HeartbeatAt = now;
        op.Message = message;
        await finalChanges(db, now);
        AddPendingRecords(db);
        // Unsynced: the host is done; if a power cut rolls this back, the operation runs again and finds it so (ADR 11).
        await db.SaveChangesWithoutSyncAsync(ct);
        OperationMetrics.Record(op.Kind, succeeded, now - op.CreatedAt);
        events.Publish(new ShareChanged(ShareId, ProjectId));
    }

    /// <summary>Saves changes of any rows before the host is touched (state recorded before it is acted on).</summary>
    public async Task SaveAsync(Func<PortalDbContext, DateTime, Task> changes, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await changes(db, time.GetUtcNow().UtcDateTime);
        AddPendingRecords(db);
        using (await WriteTurns.TakeAsync(db, ct))
            await db.SaveChangesAsync(ct);
        events.Publish(new ShareChanged(ShareId, ProjectId));
    }

    /// <summary>A read-only look at the database, e.g. the snapshot an operation works on.</summary>
    public async Task<T> ReadAsync<T>(Func<PortalDbContext, Task<T>> query, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await query(db);
    }

    private void Record(string name, DateTime startedAt, TimeSpan took, StepOutcome outcome, string? detail) =>
        _steps.Enqueue(new OperationStep
        {
            OperationId = OperationId, Name = name, StartedAt = startedAt,
            DurationMs = (int)Math.Ceiling(took.TotalMilliseconds), Outcome = outcome, Detail = detail,
        });

    /// <summary>Adds the steps and host commands not written yet to <paramref name="db"/>; true when there were any.</summary>
    private bool AddPendingRecords(PortalDbContext db)
    {
        var any = false;
        while (_steps.TryDequeue(out var step))
        {
            db.OperationSteps.Add(step);
            any = true;
        }
        while (_commands.TryDequeue(out var c))
        {
            db.HostCommands.Add(new HostCommandEntry
            {
                OperationId = OperationId, Backend = c.Backend, CommandLine = ShellQuote.Join(c.Argv),
                ExitCode = c.ExitCode, DurationMs = (int)Math.Ceiling(c.Duration.TotalMilliseconds),
                Stderr = c.Stderr, StartedAt = c.StartedAt.UtcDateTime,
            });
            any = true;
        }
        return any;
    }
}
