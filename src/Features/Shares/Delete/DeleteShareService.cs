using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Shares.Delete;

/// <summary>Delete: refused while snapshots exist; a share that never reached a host goes at once.</summary>
public sealed class DeleteShareService(OperationIntake intake)
{
    public static readonly ShareStatus[] Deletable =
    [
        ShareStatus.Available, ShareStatus.Error, ShareStatus.ErrorDeleting, ShareStatus.ExtendingError,
        ShareStatus.ShrinkingError, ShareStatus.AwaitingApproval, ShareStatus.Rejected, ShareStatus.RevertingError,
    ];

    public Task<CommandResult> DeleteAsync(CurrentUser user, Guid shareId, CancellationToken ct = default) =>
        intake.RunAsync(async (db, work) =>
        {
            var (share, refusal) = await ShareActions.LoadAsync(db, user, shareId, "deleting", Deletable, ct);
            if (share is null)
                return ShareActions.Refused(refusal!);
            var snapshots = await db.Snapshots.CountAsync(s => s.ShareId == share.Id, ct);
            if (snapshots > 0)
                return CommandResult.Refused(RefusalKind.Conflict, snapshots == 1
                    ? "The share has 1 snapshot; delete it first, then delete the share."
                    : $"The share has {snapshots} snapshots; delete them first, then delete the share.");
            if (share.Dataset is null && share.Status is ShareStatus.AwaitingApproval or ShareStatus.Rejected or ShareStatus.Error)
            {
                // Nothing was ever made on a host: the request simply goes, and its reservation with it.
                db.Shares.Remove(share);
                work.Touched(share);
                work.Audit(db, user, "share.delete", $"share {share.Name} in {share.Project!.Name}", share.ProjectId, "never created on a host");
                return CommandResult.Done(share.Id);
            }
            share.Status = ShareStatus.Deleting;
            share.StatusMessage = null;
            share.UpdatedAt = work.Now;
            work.Queue(db, OperationKind.DeleteShare, share, user.UserId, DeleteShareHandler.PlannedSteps);
            work.Audit(db, user, "share.delete", $"share {share.Name} in {share.Project!.Name}", share.ProjectId);
            return CommandResult.Done(share.Id);
        }, ct);
}
