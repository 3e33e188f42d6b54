using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Access;

/// <summary>
/// Allow and deny NFS access. A rule change is recorded at once (queued_to_apply / queued_to_deny) and one
/// sync operation per share brings the host in line with the whole rule set. Every new rule is judged by
/// <see cref="ExportPolicyCheck"/> first: refused, waiting for an admin (awaiting_approval), or made.
/// </summary>
public sealed class AccessService(OperationIntake intake)
{
    public const string TargetField = "Target", LevelField = "Level", RootSquashField = "RootSquash";

    /// <summary>The refusal that carries a warning to show before asking again with <c>confirmed</c>.</summary>
    public const string ConfirmField = "Confirm";

    internal static readonly ShareStatus[] Changeable = [ShareStatus.Available];

    /// <param name="confirmed">The user has read the warning an earlier call returned under <see cref="ConfirmField"/> and said yes.</param>
    public async Task<CommandResult> AllowAsync(CurrentUser user, Guid shareId, string? target, string? level, bool rootSquash = true,
        bool confirmed = false, CancellationToken ct = default)
    {
        var parsed = AccessTarget.TryParse(target, out var targetError);
        var accessLevel = ParseLevel(level, out var levelError);
        if (parsed is null || accessLevel is null)
        {
            var errors = new Dictionary<string, string>();
            if (targetError is not null) errors[TargetField] = targetError;
            if (levelError is not null) errors[LevelField] = levelError;
            return CommandResult.Refused(errors);
        }

        return await intake.RunAsync(async (db, work) =>
        {
            var (share, refusal) = await ShareActions.LoadAsync(db, user, shareId, "changing access", Changeable, ct);
            if (share is null)
                return ShareActions.Refused(refusal!);
            var existing = await db.AccessRules.SingleOrDefaultAsync(r => r.ShareId == share.Id && r.Target == parsed.Canonical, ct);
            if (existing is not null)
                return CommandResult.Refused(TargetField, existing.State is AccessRuleState.QueuedToDeny or AccessRuleState.Denying
                    ? $"The rule for {parsed} is being removed; add it again once it is gone."
                    : $"The share already has a rule for {parsed} ({existing.Level.ToManila()}, {existing.State.ToManila()}); deny it first to change it.") with { Kind = RefusalKind.Conflict };
            var verdict = ExportPolicyCheck.Judge(parsed, rootSquash, Scopes(share), user.IsAdmin);
            if (verdict.Decision == ExportDecision.Refuse)
                return CommandResult.Refused(verdict.Field!, verdict.Reason!);
            if (verdict.Warning is not null && !confirmed)
                return CommandResult.Refused(ConfirmField, verdict.Warning);

            var waits = verdict.Decision == ExportDecision.AwaitApproval;
            var rule = new AccessRule
            {
                ShareId = share.Id, Target = parsed.Canonical, Level = accessLevel.Value, RootSquash = rootSquash,
                State = waits ? AccessRuleState.AwaitingApproval : AccessRuleState.QueuedToApply, StateMessage = waits ? verdict.Reason : null,
                CreatedByUserId = user.UserId, CreatedAt = work.Now, UpdatedAt = work.Now,
            };
            db.AccessRules.Add(rule);
            if (waits)
                work.Touched(share);
            else
                await QueueSyncAsync(db, work, share, user, ct);
            var detail = $"{rule.Target} {rule.Level.ToManila()} {(rule.RootSquash ? "root_squash" : "no_root_squash")}";
            work.Audit(db, user, "access.allow", $"share {share.Name}", share.ProjectId,
                waits ? $"{detail}, awaiting approval: {verdict.Reason}" : verdict.Warning is null ? detail : $"{detail}, confirmed: {verdict.Warning}");
            return CommandResult.Done(rule.Id, waits ? verdict.Reason : null);
        }, ct, onDuplicate: $"The share already has a rule for {parsed}.");
    }

    /// <summary>The policies a rule on this share must pass: its type's, and its project's when that narrows it.</summary>
    public static IEnumerable<PolicyScope> Scopes(Share share) =>
        new[] { PolicyScope.Of(share.ShareType!), PolicyScope.Of(share.Project!) }.OfType<PolicyScope>();

    public Task<CommandResult> DenyAsync(CurrentUser user, Guid ruleId, CancellationToken ct = default) =>
        intake.RunAsync(async (db, work) =>
        {
            var rule = await db.AccessRules
                .Where(r => db.Shares.Visible(db, user).Any(s => s.Id == r.ShareId))
                .SingleOrDefaultAsync(r => r.Id == ruleId, ct);
            if (rule is null)
                return CommandResult.Refused(RefusalKind.NotFound, "This access rule does not exist, or its share belongs to a project you are not a member of.");
            var (share, refusal) = await ShareActions.LoadAsync(db, user, rule.ShareId, "changing access", Changeable, ct);
            if (share is null)
                return ShareActions.Refused(refusal!);
            if (rule.State is AccessRuleState.QueuedToDeny or AccessRuleState.Denying)
                return CommandResult.Refused(RefusalKind.Conflict, $"The rule for {rule.Target} is already being removed.");
            work.Audit(db, user, "access.deny", $"share {share.Name}", share.ProjectId, rule.Target);
            if (rule.State.IsUnapplied())
            {
                // Never exported, so there is nothing to take off the host.
                db.AccessRules.Remove(rule);
                work.Touched(share);
                return CommandResult.Done(rule.Id);
            }
            rule.State = AccessRuleState.QueuedToDeny;
            rule.StateMessage = null;
            rule.UpdatedAt = work.Now;
            await QueueSyncAsync(db, work, share, user, ct);
            return CommandResult.Done(rule.Id);
        }, ct);

    /// <summary>One queued sync per share is enough: it reads the whole rule set when it runs.</summary>
    internal static async Task QueueSyncAsync(PortalDbContext db, QueuedWork work, Share share, CurrentUser user, CancellationToken ct)
    {
        share.AccessRulesStatus = AccessRulesStatus.Syncing;
        share.UpdatedAt = work.Now;
        var waiting = await db.Operations.AnyAsync(o => o.ShareId == share.Id && o.Kind == OperationKind.SyncAccessRules
                                                        && o.State == OperationState.Queued, ct);
        if (waiting)
            work.Touched(share);
        else
            work.Queue(db, OperationKind.SyncAccessRules, share, user.UserId, SyncAccessRulesHandler.PlannedSteps);
    }

    public static NfsAccessLevel? ParseLevel(string? text, out string? error)
    {
        var trimmed = (text ?? "").Trim();
        var level = NfsAccessLevels.FromManila(trimmed);
        error = level is not null ? null
            : trimmed.Length == 0 ? "Choose an access level: rw (read-write) or ro (read-only)."
            : $"'{UserInput.Shorten(trimmed)}' is not an access level; use rw (read-write) or ro (read-only).";
        return level;
    }
}
