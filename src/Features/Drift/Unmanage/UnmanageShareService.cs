using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Drift.Unmanage;

/// <summary>
/// Manila's <c>unmanage</c>: the portal forgets a share (its records, rules and snapshot records) and touches nothing on the host, so
/// the dataset, its data, snapshots and exports stay; the next reconcile lists the dataset as unowned, and it can be adopted again.
/// Refused while an operation is under way on the share.
/// </summary>
public sealed class UnmanageShareService(OperationIntake intake)
{
    public Task<CommandResult> UnmanageAsync(CurrentUser admin, Guid shareId, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return Task.FromResult(CommandResult.Refused("Only admins may unmanage shares."));
        return intake.RunAsync(async (db, work) =>
        {
            var share = await db.Shares.Include(s => s.Project).SingleOrDefaultAsync(s => s.Id == shareId, ct);
            if (share is null)
                return CommandResult.Refused("That share does not exist.");
            if (share.Status.IsBusy()
                || await db.Operations.AnyAsync(o => o.ShareId == shareId && (o.State == OperationState.Queued || o.State == OperationState.Running), ct))
                return CommandResult.Refused($"Share {share.Name} has an operation under way; unmanage it when that has ended.");
            db.Snapshots.RemoveRange(await db.Snapshots.Where(s => s.ShareId == shareId).ToListAsync(ct));
            db.AccessRules.RemoveRange(await db.AccessRules.Where(r => r.ShareId == shareId).ToListAsync(ct));
            db.DriftFindings.RemoveRange(await db.DriftFindings.Where(f => f.ShareId == shareId).ToListAsync(ct));
            db.Shares.Remove(share);
            share.Project!.QuotaStamp = Guid.NewGuid();
            work.Touched(share);
            work.Audit(db, admin, "share.unmanage", $"share {share.Name} in {share.Project.Name}", share.ProjectId,
                share.Dataset is null ? "never placed" : $"{share.Dataset} stays on backend {share.BackendName}, with its data");
            return CommandResult.Done(share.Id);
        }, ct);
    }
}
