using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Access;

/// <summary>A tenant's rule that went beyond a policy which lets wider rules wait: who asked, for what, and why it waits.</summary>
public sealed record PendingAccessRule(Guid RuleId, Guid ShareId, string ShareName, string ProjectName, string Target, string Level,
    bool RootSquash, string RequestedBy, DateTime RequestedAt, string? Reason);

/// <summary>
/// Admins decide on rules waiting in awaiting_approval: approve queues them like any new rule (the admin has read why
/// they wait); reject needs a reason, which the tenant reads on the rule, and leaves it rejected until they remove it.
/// </summary>
public sealed class AccessApprovalService(IDbContextFactory<PortalDbContext> dbFactory, OperationIntake intake)
{
    public const string ReasonField = "Reason";
    private const string NotAdmin = "Only admins may approve or reject access rules.";

    public async Task<IReadOnlyList<PendingAccessRule>> ListPendingAsync(CurrentUser admin, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.AccessRules.AsNoTracking().Where(r => r.State == AccessRuleState.AwaitingApproval).OrderBy(r => r.CreatedAt)
            .Join(db.Shares, r => r.ShareId, s => s.Id, (r, s) => new { Rule = r, Share = s.Name, Project = s.Project!.Name })
            .ToListAsync(ct);
        var ids = rows.Select(r => r.Rule.CreatedByUserId).Distinct().ToList();
        var users = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.UserName ?? u.Id, ct);
        return rows.Select(r => new PendingAccessRule(r.Rule.Id, r.Rule.ShareId, r.Share, r.Project, r.Rule.Target, r.Rule.Level.ToManila(),
            r.Rule.RootSquash, users.GetValueOrDefault(r.Rule.CreatedByUserId, "a former user"), r.Rule.CreatedAt, r.Rule.StateMessage)).ToList();
    }

    public Task<CommandResult> ApproveAsync(CurrentUser admin, Guid ruleId, CancellationToken ct = default) =>
        DecideAsync(admin, ruleId, "approval.access.approve", null, AccessService.Changeable, async (db, work, rule, share) =>
        {
            (rule.State, rule.StateMessage, rule.UpdatedAt) = (AccessRuleState.QueuedToApply, null, work.Now);
            await AccessService.QueueSyncAsync(db, work, share, admin, ct);
        }, ct);

    public async Task<CommandResult> RejectAsync(CurrentUser admin, Guid ruleId, string? reason, CancellationToken ct = default)
    {
        var why = (reason ?? "").Trim();
        if (why.Length == 0)
            return CommandResult.Refused(ReasonField, "Give a reason; the requester reads it.");
        if (why.Length > 500)
            return CommandResult.Refused(ReasonField, "Keep the reason under 500 characters.");
        // Nothing reaches the host, so a busy share need not stop it.
        return await DecideAsync(admin, ruleId, "approval.access.reject", why, Enum.GetValues<ShareStatus>(), (_, work, rule, share) =>
        {
            (rule.State, rule.StateMessage, rule.UpdatedAt) = (AccessRuleState.Rejected, $"Rejected by an admin: {why}", work.Now);
            work.Touched(share);
            return Task.CompletedTask;
        }, ct);
    }

    private Task<CommandResult> DecideAsync(CurrentUser admin, Guid ruleId, string action, string? detail, IReadOnlyCollection<ShareStatus> allowed,
        Func<PortalDbContext, QueuedWork, AccessRule, Share, Task> decide, CancellationToken ct) =>
        intake.RunAsync(async (db, work) =>
        {
            if (!admin.IsAdmin)
                return CommandResult.Refused(NotAdmin);
            var rule = await db.AccessRules.SingleOrDefaultAsync(r => r.Id == ruleId, ct);
            if (rule is null || rule.State != AccessRuleState.AwaitingApproval)
                return CommandResult.Refused(rule is null ? "That access rule no longer exists." : $"That access rule is already {rule.State.ToManila()}.");
            var (share, refusal) = await ShareActions.LoadAsync(db, admin, rule.ShareId, "changing access", allowed, ct);
            if (share is null)
                return CommandResult.Refused(refusal!);
            await decide(db, work, rule, share);
            work.Audit(db, admin, action, $"share {share.Name}", share.ProjectId, detail is null ? rule.Target : $"{rule.Target}: {detail}");
            return CommandResult.Done(rule.Id);
        }, ct);
}
