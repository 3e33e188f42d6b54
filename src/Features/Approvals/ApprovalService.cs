using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Quotas;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Approvals;

/// <summary>A request waiting for an admin: who asked, for what, and where the project's quota stands with it.</summary>
public sealed record PendingRequest(Guid ShareId, string ShareName, Guid ProjectId, string ProjectName, string RequestedBy,
    int SizeGiB, string ShareTypeName, DateTime RequestedAt, long ProjectGigabytesAfter, int ProjectGigabytesLimit,
    int ProjectSharesAfter, int ProjectSharesLimit, string? SourceSnapshotName);

/// <summary>
/// Approve starts the job the request was waiting for; reject needs a reason, ends in <c>rejected</c> and
/// releases the reservation. Only admins may do either.
/// </summary>
public sealed class ApprovalService(IDbContextFactory<PortalDbContext> dbFactory, OperationIntake intake)
{
    public const string ReasonField = "Reason";
    private const string NotAdmin = "Only admins may approve or reject requests.";

    public async Task<IReadOnlyList<PendingRequest>> ListPendingAsync(CurrentUser admin, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = await db.Shares.AsNoTracking().Include(s => s.Project).Include(s => s.ShareType)
            .Where(s => s.Status == ShareStatus.AwaitingApproval).OrderBy(s => s.CreatedAt).ToListAsync(ct);
        var users = await db.Users.Where(u => pending.Select(p => p.CreatedByUserId).Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.Email ?? u.UserName ?? u.Id, ct);
        var result = new List<PendingRequest>();
        foreach (var share in pending)
        {
            // The request's own size is already reserved, so the usage now is the usage after approval.
            var usage = await QuotaUsage.ForProjectAsync(db, share.ProjectId, ct);
            var source = share.SourceSnapshotId is { } id ? await db.Snapshots.Where(s => s.Id == id).Select(s => s.Name).FirstOrDefaultAsync(ct) : null;
            result.Add(new PendingRequest(share.Id, share.Name, share.ProjectId, share.Project!.Name,
                users.GetValueOrDefault(share.CreatedByUserId, "a former user"), share.SizeGiB, share.ShareType!.Name, share.CreatedAt,
                usage.Gigabytes, share.Project.Quotas.Gigabytes, usage.Shares, share.Project.Quotas.Shares, source));
        }
        return result;
    }

    /// <summary>How many requests wait, shares and access rules (two COUNTs), for the menu badge that updates on every share change.</summary>
    public async Task<int> CountPendingAsync(CurrentUser admin, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return 0;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Shares.CountAsync(s => s.Status == ShareStatus.AwaitingApproval, ct)
               + await db.AccessRules.CountAsync(r => r.State == AccessRuleState.AwaitingApproval, ct);
    }

    public Task<CommandResult> ApproveAsync(CurrentUser admin, Guid shareId, CancellationToken ct = default) =>
        intake.RunAsync(async (db, work) =>
        {
            if (!admin.IsAdmin)
                return CommandResult.Refused(NotAdmin);
            var share = await db.Shares.Include(s => s.Project).SingleOrDefaultAsync(s => s.Id == shareId, ct);
            if (share is null || share.Status != ShareStatus.AwaitingApproval)
                return share is null
                    ? CommandResult.Refused(RefusalKind.NotFound, "That request no longer exists.")
                    : CommandResult.Refused(RefusalKind.Conflict, $"That request is already {share.Status.ToManila()}.");
            var fromSnapshot = share.SourceSnapshotId is not null;
            share.Status = fromSnapshot ? ShareStatus.CreatingFromSnapshot : ShareStatus.Creating;
            share.StatusMessage = null;
            share.UpdatedAt = work.Now;
            work.Queue(db, fromSnapshot ? OperationKind.CreateShareFromSnapshot : OperationKind.CreateShare, share, admin.UserId,
                fromSnapshot ? CreateShareFromSnapshotHandler.PlannedSteps : CreateShareHandler.PlannedSteps, share.SourceSnapshotId);
            work.Audit(db, admin, "approval.approve", $"share {share.Name} in {share.Project!.Name}", share.ProjectId, $"{share.SizeGiB} GiB");
            return CommandResult.Done(share.Id);
        }, ct);

    public async Task<CommandResult> RejectAsync(CurrentUser admin, Guid shareId, string? reason, CancellationToken ct = default)
    {
        var why = (reason ?? "").Trim();
        if (why.Length == 0)
            return CommandResult.Refused(ReasonField, "Give a reason; the requester reads it.");
        if (why.Length > UserInput.MaxReasonLength)
            return CommandResult.Refused(ReasonField, $"The reason may be at most {UserInput.MaxReasonLength} characters; this one has {why.Length}.");
        return await intake.RunAsync(async (db, work) =>
        {
            if (!admin.IsAdmin)
                return CommandResult.Refused(NotAdmin);
            var share = await db.Shares.Include(s => s.Project).SingleOrDefaultAsync(s => s.Id == shareId, ct);
            if (share is null || share.Status != ShareStatus.AwaitingApproval)
                return share is null
                    ? CommandResult.Refused(RefusalKind.NotFound, "That request no longer exists.")
                    : CommandResult.Refused(RefusalKind.Conflict, $"That request is already {share.Status.ToManila()}.");
            share.Status = ShareStatus.Rejected;
            share.StatusMessage = $"Rejected by an admin: {why}";
            share.UpdatedAt = work.Now;
            share.Project!.QuotaStamp = Guid.NewGuid();
            work.Touched(share);
            work.Audit(db, admin, "approval.reject", $"share {share.Name} in {share.Project.Name}", share.ProjectId, why);
            return CommandResult.Done(share.Id);
        }, ct);
    }
}
