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
/// One claimed run of an operation. Records each step with its timing and the host commands it ran
/// before the next step starts, keeps the heartbeat fresh, and nudges open pages after every record.
/// </summary>
public sealed class OperationRun(
    Operation operation, IDbContextFactory<PortalDbContext> dbFactory, ShareEvents events, TimeProvider time)
    : IHostCommandLog
{
    private readonly ConcurrentQueue<HostCommandRecord> _commands = new();

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
            await RecordAsync(name, startedAt, clock.Elapsed, StepOutcome.Failed, failure.Message, CancellationToken.None);
            throw new OperationStepFailedException(name, failure);
        }
        await RecordAsync(name, startedAt, clock.Elapsed, StepOutcome.Succeeded, note.Detail, ct);
        return result;
    }

    /// <summary>Records a decision that took no host work (e.g. a refusal), so the step list says what happened.</summary>
    public Task NoteAsync(string name, StepOutcome outcome, string? detail, CancellationToken ct) =>
        RecordAsync(name, time.GetUtcNow().UtcDateTime, TimeSpan.Zero, outcome, detail, ct);

    public Task StepAsync(string name, Func<StepNote, Task> action, CancellationToken ct) =>
        StepAsync<bool>(name, async note => { await action(note); return true; }, ct);

    public static readonly TimeSpan HeartbeatEvery = TimeSpan.FromSeconds(30);

    /// <summary>Keeps a long step (a big send/receive) from looking stranded to <see cref="OperationRecovery"/>.</summary>
    private async Task BeatWhileAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(HeartbeatEvery, time, stop);
                await using var db = await dbFactory.CreateDbContextAsync(stop);
                var now = time.GetUtcNow().UtcDateTime;
                await db.Operations.Where(o => o.Id == OperationId).ExecuteUpdateAsync(u => u.SetProperty(o => o.HeartbeatAt, now), stop);
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

    /// <summary>Saves a change to the share before the host is touched, so a resumed run sees it.</summary>
    public async Task UpdateShareAsync(Action<Share> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var share = await db.Shares.SingleAsync(s => s.Id == ShareId, ct);
        change(share);
        share.UpdatedAt = time.GetUtcNow().UtcDateTime;
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
        AddPendingCommands(db);
        await db.SaveChangesAsync(ct);
        events.Publish(new ShareChanged(ShareId, ProjectId));
    }

    /// <summary>Saves changes of any rows before the host is touched (state recorded before it is acted on).</summary>
    public async Task SaveAsync(Func<PortalDbContext, DateTime, Task> changes, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await changes(db, time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        events.Publish(new ShareChanged(ShareId, ProjectId));
    }

    /// <summary>A read-only look at the database, e.g. the snapshot an operation works on.</summary>
    public async Task<T> ReadAsync<T>(Func<PortalDbContext, Task<T>> query, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await query(db);
    }

    private async Task RecordAsync(string name, DateTime startedAt, TimeSpan took, StepOutcome outcome, string? detail, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.OperationSteps.Add(new OperationStep
        {
            OperationId = OperationId, Name = name, StartedAt = startedAt,
            DurationMs = (int)Math.Ceiling(took.TotalMilliseconds), Outcome = outcome, Detail = detail,
        });
        AddPendingCommands(db);
        var op = await db.Operations.SingleAsync(o => o.Id == OperationId, ct);
        op.HeartbeatAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        events.Publish(new ShareChanged(ShareId, ProjectId));
    }

    private void AddPendingCommands(PortalDbContext db)
    {
        while (_commands.TryDequeue(out var c))
        {
            db.HostCommands.Add(new HostCommandEntry
            {
                OperationId = OperationId, Backend = c.Backend, CommandLine = ShellQuote.Join(c.Argv),
                ExitCode = c.ExitCode, DurationMs = (int)Math.Ceiling(c.Duration.TotalMilliseconds),
                Stderr = c.Stderr, StartedAt = c.StartedAt.UtcDateTime,
            });
        }
    }
}
