using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Bench;

internal enum Progress { Pending, Done, Failed }

internal sealed record Check(Progress Progress, string? Message = null)
{
    public static readonly Check Pending = new(Progress.Pending);
    public static readonly Check Done = new(Progress.Done);
    public static Check Failed(string? message) => new(Progress.Failed, message ?? "(no message)");
}

/// <summary>When the final state was seen: the stopwatch timestamp of the re-read that saw it, and the nudge that caused it.</summary>
internal sealed record Observed(long At, long NudgeAt, double NudgeUnixMs);

internal static class Clock
{
    /// <summary>Wall-clock milliseconds since 1970 (CLOCK_REALTIME, what the browser's Date.now() also reads).</summary>
    public static double UnixMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    public static double UnixMs(DateTime utc) => (DateTime.SpecifyKind(utc, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalMilliseconds;

    public static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}

/// <summary>
/// Watches for final states the way a page does: subscribed to <see cref="ShareEvents"/>, and on each nudge for a
/// watched share it re-reads the row with a fresh DbContext. The clock stops at the re-read that sees the final state.
/// </summary>
internal sealed class ShareWatch : IDisposable
{
    private readonly IDbContextFactory<PortalDbContext> _db;
    private readonly IDisposable _subscription;
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Waiter, byte>> _waiters = new();
    private readonly ConcurrentQueue<(Guid ShareId, double UnixMs)> _nudges = new();
    private Guid _recorded;

    public ShareWatch(ShareEvents events, IDbContextFactory<PortalDbContext> db)
    {
        _db = db;
        _subscription = events.Subscribe(OnChangedAsync);
    }

    /// <summary>Nudges of one share, with their wall-clock time (taken first thing in the handler, i.e. at Publish).</summary>
    public void Record(Guid shareId)
    {
        _nudges.Clear();
        _recorded = shareId;
    }

    public IReadOnlyList<double> RecordedNudges() => [.. _nudges.Where(n => n.ShareId == _recorded).Select(n => n.UnixMs)];

    private Task OnChangedAsync(ShareChanged change)
    {
        var at = Stopwatch.GetTimestamp();
        var unix = Clock.UnixMs();
        if (change.ShareId == _recorded)
            _nudges.Enqueue((change.ShareId, unix));
        if (!_waiters.TryGetValue(change.ShareId, out var waiters) || waiters.IsEmpty)
            return Task.CompletedTask;
        return Task.WhenAll(waiters.Keys.Select(w => w.EvaluateAsync(_db, at, unix)));
    }

    public async Task<Observed> WaitAsync(Guid shareId, Func<PortalDbContext, Task<Check>> check, TimeSpan timeout, CancellationToken ct)
    {
        var waiter = new Waiter(check);
        var set = _waiters.GetOrAdd(shareId, _ => new ConcurrentDictionary<Waiter, byte>());
        set.TryAdd(waiter, 0);
        try
        {
            // The state when watching starts (the job may already be done).
            await waiter.EvaluateAsync(_db, Stopwatch.GetTimestamp(), Clock.UnixMs());
            return await waiter.Task.WaitAsync(timeout, ct);
        }
        finally
        {
            set.TryRemove(waiter, out _);
        }
    }

    public void Dispose() => _subscription.Dispose();

    private sealed class Waiter(Func<PortalDbContext, Task<Check>> check)
    {
        private readonly TaskCompletionSource<Observed> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Observed> Task => _done.Task;

        public async Task EvaluateAsync(IDbContextFactory<PortalDbContext> factory, long nudgeAt, double nudgeUnix)
        {
            if (_done.Task.IsCompleted)
                return;
            try
            {
                await using var db = await factory.CreateDbContextAsync();
                var result = await check(db);
                var at = Stopwatch.GetTimestamp();
                if (result.Progress == Progress.Done)
                    _done.TrySetResult(new Observed(at, nudgeAt, nudgeUnix));
                else if (result.Progress == Progress.Failed)
                    _done.TrySetException(new InvalidOperationException(result.Message));
            }
#pragma warning disable CA1031 // whatever failed, the waiting bench must hear of it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _done.TrySetException(ex);
            }
        }
    }
}

/// <summary>The final states, read the way pages read them.</summary>
internal static class Final
{
    public static Func<PortalDbContext, Task<Check>> ShareAvailable(Guid id, int sizeGiB) => async db =>
    {
        var s = await db.Shares.AsNoTracking().Where(x => x.Id == id)
            .Select(x => new { x.Status, x.SizeGiB, x.PendingSizeGiB, x.StatusMessage }).SingleOrDefaultAsync();
        if (s is null)
            return Check.Failed($"share {id} is gone");
        if (s.Status.IsError() || s.Status == ShareStatus.Rejected)
            return Check.Failed($"share {id} is {s.Status.ToManila()}: {s.StatusMessage}");
        if (s.Status != ShareStatus.Available || s.PendingSizeGiB is not null)
            return Check.Pending;
        return s.SizeGiB == sizeGiB ? Check.Done : Check.Failed($"share {id} is available at {s.SizeGiB} GiB, not {sizeGiB}: {s.StatusMessage}");
    };

    public static Func<PortalDbContext, Task<Check>> ShareGone(Guid id) => async db =>
    {
        var s = await db.Shares.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.Status, x.StatusMessage }).SingleOrDefaultAsync();
        return s is null ? Check.Done
            : s.Status.IsError() ? Check.Failed($"share {id} is {s.Status.ToManila()}: {s.StatusMessage}")
            : Check.Pending;
    };

    public static Func<PortalDbContext, Task<Check>> RuleActive(Guid id) => async db =>
    {
        var r = await db.AccessRules.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.State, x.StateMessage }).SingleOrDefaultAsync();
        return r is null ? Check.Failed($"rule {id} is gone")
            : r.State == AccessRuleState.Active ? Check.Done
            : r.State == AccessRuleState.Error ? Check.Failed($"rule {id}: {r.StateMessage}")
            : Check.Pending;
    };

    public static Func<PortalDbContext, Task<Check>> RuleGone(Guid id) => async db =>
    {
        var r = await db.AccessRules.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.State, x.StateMessage }).SingleOrDefaultAsync();
        return r is null ? Check.Done
            : r.State == AccessRuleState.Error ? Check.Failed($"rule {id}: {r.StateMessage}")
            : Check.Pending;
    };

    public static Func<PortalDbContext, Task<Check>> SnapshotAvailable(Guid id) => async db =>
    {
        var s = await db.Snapshots.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.Status, x.StatusMessage }).SingleOrDefaultAsync();
        return s is null ? Check.Failed($"snapshot {id} is gone")
            : s.Status == SnapshotStatus.Available ? Check.Done
            : s.Status is SnapshotStatus.Error or SnapshotStatus.ErrorDeleting ? Check.Failed($"snapshot {id}: {s.StatusMessage}")
            : Check.Pending;
    };

    public static Func<PortalDbContext, Task<Check>> SnapshotGone(Guid id) => async db =>
    {
        var s = await db.Snapshots.AsNoTracking().Where(x => x.Id == id).Select(x => new { x.Status, x.StatusMessage }).SingleOrDefaultAsync();
        return s is null ? Check.Done
            : s.Status is SnapshotStatus.Error or SnapshotStatus.ErrorDeleting ? Check.Failed($"snapshot {id}: {s.StatusMessage}")
            : Check.Pending;
    };
}
