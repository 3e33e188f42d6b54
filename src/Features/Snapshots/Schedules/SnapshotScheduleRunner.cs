using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Quotas;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Snapshots.Schedules;

/// <summary>
/// One pass over every share that has a snapshot policy (its own, or its type's default): takes the newest run that fell
/// due since the last one (once, however many were missed), and prunes scheduled snapshots beyond the retention. Both go
/// through the intake like a user's request, so quotas, the audit and the operation machinery are the same. A run is
/// claimed by moving the share's <see cref="SnapshotScheduleState"/> forward inside the run's own IMMEDIATE transaction:
/// two portal processes passing at once take each run once.
/// </summary>
public sealed class SnapshotScheduleRunner(IDbContextFactory<PortalDbContext> dbFactory, OperationIntake intake, TimeProvider time,
    ILogger<SnapshotScheduleRunner> log)
{
    private static readonly ShareStatus[] Runnable = [ShareStatus.Available];

    private sealed record Candidate(Guid ShareId, DateTime ShareCreatedAt, SnapshotPolicy Policy, DateTime? LastRunFor);

    /// <summary>Runs what is due now; the number of snapshots queued (taken or pruned).</summary>
    public async Task<int> RunDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var queued = 0;
        foreach (var c in await CandidatesAsync(ct))
        {
            if (SnapshotSchedule.From(c.Policy, out var error) is not { } schedule)
            {
                log.LogWarning("Snapshot policy {PolicyId} cannot be read: {Error}", c.Policy.Id, error);
                continue;
            }
            var since = new[] { c.LastRunFor ?? DateTime.MinValue, c.Policy.UpdatedAt, c.ShareCreatedAt }.Max();
            // A skipped run (quota full) succeeds with the skip as its notice: claimed, but nothing queued.
            if (schedule.LatestDue(since, now) is { } due && await TakeAsync(c, schedule, due, ct) is { Succeeded: true, Notice: null })
                queued++;
            queued += await PruneAsync(c.ShareId, c.Policy, ct);
        }
        return queued;
    }

    private async Task<List<Candidate>> CandidatesAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Policies are few (one per share or type that has one); the join happens here.
        var policies = await db.SnapshotPolicies.AsNoTracking().ToListAsync(ct);
        var own = policies.Where(p => p.ShareId is not null).ToDictionary(p => p.ShareId!.Value);
        var defaults = policies.Where(p => p.ShareTypeId is not null).ToDictionary(p => p.ShareTypeId!.Value);
        var states = await db.SnapshotScheduleStates.AsNoTracking().ToDictionaryAsync(s => s.ShareId, s => s.LastRunFor, ct);
        var shares = await db.Shares.AsNoTracking()
            .Where(s => s.Status == ShareStatus.Available && s.ShareType!.SnapshotSupport)
            .Select(s => new { s.Id, s.CreatedAt, s.ShareTypeId })
            .ToListAsync(ct);
        return [.. shares
            .Select(s => (Share: s, Policy: own.GetValueOrDefault(s.Id) ?? defaults.GetValueOrDefault(s.ShareTypeId)))
            .Where(x => x.Policy is not null)
            .Select(x => new Candidate(x.Share.Id, x.Share.CreatedAt, x.Policy!, states.TryGetValue(x.Share.Id, out var last) ? last : null))];
    }

    private Task<CommandResult> TakeAsync(Candidate c, SnapshotSchedule schedule, DateTime due, CancellationToken ct)
    {
        var name = schedule.SnapshotName(due);
        return intake.RunAsync(async (db, work) =>
        {
            var state = await db.SnapshotScheduleStates.SingleOrDefaultAsync(s => s.ShareId == c.ShareId, ct);
            if (state is not null && state.LastRunFor >= due)
                return CommandResult.Refused("Another portal process took this run.");
            var user = ScheduleUser(c.Policy);
            var (share, refusal) = await ShareActions.LoadAsync(db, user, c.ShareId, "a scheduled snapshot", Runnable, ct);
            if (share is null)
                return CommandResult.Refused(refusal!);
            if (state is null)
                db.SnapshotScheduleStates.Add(state = new SnapshotScheduleState { ShareId = share.Id });
            state.LastRunFor = due;
            state.SkipMessage = null;
            work.Touched(share);

            var usage = await QuotaUsage.ForProjectAsync(db, share.ProjectId, ct);
            if (QuotaCheck.RefuseNewSnapshot(share.Project!.Quotas, usage, share.SizeGiB) is { } over)
            {
                // Recorded, not taken: the share says why, and the next run tries again.
                state.SkipMessage = $"The scheduled snapshot of {due:yyyy-MM-dd HH:mm} UTC was skipped: {over}";
                return CommandResult.Done(share.Id, state.SkipMessage);
            }
            var snapshot = await SnapshotService.QueueCreateAsync(db, work, user, share, name, "Taken by the share's snapshot policy.", due, ct);
            return CommandResult.Done(snapshot.Id);
        }, ct, onDuplicate: "Another portal process took this run.");
    }

    private async Task<int> PruneAsync(Guid shareId, SnapshotPolicy policy, CancellationToken ct)
    {
        var pruned = 0;
        await intake.RunAsync(async (db, work) =>
        {
            var scheduled = await db.Snapshots.Include(s => s.Share)
                .Where(s => s.ShareId == shareId && s.ScheduledFor != null && s.Status == SnapshotStatus.Available
                            && !db.Shares.Any(clone => clone.SourceSnapshotId == s.Id && clone.IsCloneOfSource))
                .ToListAsync(ct);
            var prune = SnapshotRetention.ToPrune(scheduled.Select(s => (s.Id, s.ScheduledFor!.Value)), policy.RetentionCount);
            if (prune.Count == 0)
                return CommandResult.Refused("Nothing to prune.");
            var user = ScheduleUser(policy);
            foreach (var snapshot in scheduled.Where(s => prune.Contains(s.Id)))
                SnapshotService.QueueDelete(db, work, user, snapshot);
            pruned = prune.Count;
            return CommandResult.Done(shareId);
        }, ct);
        return pruned;
    }

    // The policy's author asks for its runs; the audit names the schedule, which sees the share whatever the author's role now.
    private static CurrentUser ScheduleUser(SnapshotPolicy policy) => new(policy.UpdatedByUserId, "snapshot policy", IsAdmin: true);
}
