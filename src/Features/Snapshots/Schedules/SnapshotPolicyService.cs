using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Snapshots.Schedules;

/// <summary>What the policy form sends.</summary>
public sealed record SnapshotPolicyInput(
    ScheduleKind Kind, int Minute, int Hour, DayOfWeek DayOfWeek, string? CronExpression, string? TimeZoneId, int RetentionCount);

/// <summary>A share's effective policy as its page shows it: its own, or its type's default (<see cref="FromShareType"/>).</summary>
public sealed record SnapshotPolicyView(SnapshotPolicyInput Policy, bool FromShareType, string Schedule, DateTime? NextRunAt, string? SkipMessage);

/// <summary>Tenants set or remove a share's snapshot policy; admins set a default per share type.</summary>
public sealed class SnapshotPolicyService(OperationIntake intake, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public const string ScheduleField = "Schedule", RetentionField = "RetentionCount";
    private static readonly ShareStatus[] Editable = Enum.GetValues<ShareStatus>().Where(s => s is not (ShareStatus.Deleting or ShareStatus.Rejected)).ToArray();

    public async Task<SnapshotPolicyView?> GetAsync(CurrentUser user, Guid shareId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var share = await db.Shares.AsNoTracking().Visible(db, user).SingleOrDefaultAsync(s => s.Id == shareId, ct);
        if (share is null)
            return null;
        var own = await db.SnapshotPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.ShareId == shareId, ct);
        var policy = own ?? await db.SnapshotPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.ShareTypeId == share.ShareTypeId, ct);
        if (policy is null)
            return null;
        var state = await db.SnapshotScheduleStates.AsNoTracking().SingleOrDefaultAsync(s => s.ShareId == shareId, ct);
        var schedule = SnapshotSchedule.From(policy, out var error);
        var since = new[] { state?.LastRunFor ?? DateTime.MinValue, policy.UpdatedAt, time.GetUtcNow().UtcDateTime }.Max();
        return new SnapshotPolicyView(Input(policy), own is null, schedule?.Expression ?? error!, schedule?.NextAfter(since), state?.SkipMessage);
    }

    public async Task<SnapshotPolicyInput?> GetShareTypeDefaultAsync(Guid shareTypeId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var policy = await db.SnapshotPolicies.AsNoTracking().SingleOrDefaultAsync(p => p.ShareTypeId == shareTypeId, ct);
        return policy is null ? null : Input(policy);
    }

    public Task<CommandResult> SetForShareAsync(CurrentUser user, Guid shareId, SnapshotPolicyInput input, CancellationToken ct = default) =>
        Validate(input) ?? intake.RunAsync(async (db, work) =>
        {
            var (share, refusal) = await ShareActions.LoadAsync(db, user, shareId, "setting a snapshot policy", Editable, ct);
            if (share is null)
                return CommandResult.Refused(refusal!);
            if (!share.ShareType!.SnapshotSupport)
                return CommandResult.Refused($"Share type '{share.ShareType.Name}' does not support snapshots.");
            var policy = await db.SnapshotPolicies.SingleOrDefaultAsync(p => p.ShareId == shareId, ct);
            if (policy is null)
                db.SnapshotPolicies.Add(policy = new SnapshotPolicy { ShareId = shareId });
            Apply(policy, input, user, work.Now);
            work.Touched(share);
            work.Audit(db, user, "snapshot_policy.set", $"snapshot policy of share {share.Name}", share.ProjectId, Describe(input));
            return CommandResult.Done(policy.Id);
        }, ct);

    /// <summary>Removes the share's own policy; the share then follows its type's default, if there is one.</summary>
    public Task<CommandResult> RemoveForShareAsync(CurrentUser user, Guid shareId, CancellationToken ct = default) =>
        intake.RunAsync(async (db, work) =>
        {
            var (share, refusal) = await ShareActions.LoadAsync(db, user, shareId, "removing a snapshot policy", Editable, ct);
            if (share is null)
                return CommandResult.Refused(refusal!);
            if (await db.SnapshotPolicies.SingleOrDefaultAsync(p => p.ShareId == shareId, ct) is not { } policy)
                return CommandResult.Refused("This share has no snapshot policy of its own.");
            db.SnapshotPolicies.Remove(policy);
            work.Touched(share);
            work.Audit(db, user, "snapshot_policy.remove", $"snapshot policy of share {share.Name}", share.ProjectId);
            return CommandResult.Done(share.Id);
        }, ct);

    /// <summary>An admin's default for every share of a type that has no policy of its own; null input removes it.</summary>
    public Task<CommandResult> SetForShareTypeAsync(CurrentUser admin, Guid shareTypeId, SnapshotPolicyInput? input, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return Task.FromResult(CommandResult.Refused("Only admins may set a share type's default snapshot policy."));
        return (input is null ? null : Validate(input)) ?? intake.RunAsync(async (db, work) =>
        {
            var type = await db.ShareTypes.SingleOrDefaultAsync(t => t.Id == shareTypeId, ct);
            if (type is null)
                return CommandResult.Refused("That share type does not exist.");
            if (input is not null && !type.SnapshotSupport)
                return CommandResult.Refused($"Share type '{type.Name}' does not support snapshots, so it cannot have a snapshot policy.");
            var policy = await db.SnapshotPolicies.SingleOrDefaultAsync(p => p.ShareTypeId == shareTypeId, ct);
            if (input is null)
            {
                if (policy is not null)
                    db.SnapshotPolicies.Remove(policy);
            }
            else
            {
                if (policy is null)
                    db.SnapshotPolicies.Add(policy = new SnapshotPolicy { ShareTypeId = shareTypeId });
                Apply(policy, input, admin, work.Now);
            }
            work.Audit(db, admin, input is null ? "snapshot_policy.remove" : "snapshot_policy.set", $"default snapshot policy of share type {type.Name}",
                detail: input is null ? null : Describe(input));
            return CommandResult.Done(type.Id);
        }, ct);
    }

    private static Task<CommandResult>? Validate(SnapshotPolicyInput input)
    {
        if (SnapshotSchedule.From(input.Kind, input.Minute, input.Hour, input.DayOfWeek, input.CronExpression, input.TimeZoneId, out var error) is null)
            return Task.FromResult(CommandResult.Refused(ScheduleField, error!));
        if (input.RetentionCount is < 1 or > SnapshotRules.MaxRetention)
            return Task.FromResult(CommandResult.Refused(RetentionField, $"Keep between 1 and {SnapshotRules.MaxRetention} scheduled snapshots."));
        return null;
    }

    private static void Apply(SnapshotPolicy policy, SnapshotPolicyInput input, CurrentUser user, DateTime now)
    {
        (policy.Kind, policy.Minute, policy.Hour, policy.DayOfWeek) = (input.Kind, input.Minute, input.Hour, input.DayOfWeek);
        policy.CronExpression = input.Kind == ScheduleKind.Cron ? input.CronExpression!.Trim() : null;
        policy.TimeZoneId = input.TimeZoneId!.Trim();
        policy.RetentionCount = input.RetentionCount;
        // A new or changed schedule starts now: runs "missed" before it existed are not caught up.
        (policy.UpdatedByUserId, policy.UpdatedAt) = (user.UserId, now);
    }

    private static SnapshotPolicyInput Input(SnapshotPolicy p) =>
        new(p.Kind, p.Minute, p.Hour, p.DayOfWeek, p.CronExpression, p.TimeZoneId, p.RetentionCount);

    private static string Describe(SnapshotPolicyInput input) =>
        $"{SnapshotSchedule.From(input.Kind, input.Minute, input.Hour, input.DayOfWeek, input.CronExpression, input.TimeZoneId, out _)!.Expression} " +
        $"({input.TimeZoneId}), keep {input.RetentionCount}";
}
