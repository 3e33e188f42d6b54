using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Quotas;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Shares.Resize;

/// <summary>Extend (within quotas) and shrink (data permitting, checked on the host by the job).</summary>
public sealed class ResizeShareService(OperationIntake intake)
{
    public const string SizeField = "Size";
    private static readonly ShareStatus[] Resizable = [ShareStatus.Available];

    public Task<CommandResult> ExtendAsync(CurrentUser user, Guid shareId, string? newSize, CancellationToken ct = default) =>
        ResizeAsync(user, shareId, newSize, grow: true, ct);

    public Task<CommandResult> ShrinkAsync(CurrentUser user, Guid shareId, string? newSize, CancellationToken ct = default) =>
        ResizeAsync(user, shareId, newSize, grow: false, ct);

    private async Task<CommandResult> ResizeAsync(CurrentUser user, Guid shareId, string? text, bool grow, CancellationToken ct)
    {
        if (UserInput.ParseSize(text, out var sizeError) is not { } size)
            return CommandResult.Refused(SizeField, sizeError!);

        return await intake.RunAsync(async (db, work) =>
        {
            var (share, refusal) = await ShareActions.LoadAsync(db, user, shareId, grow ? "extending" : "shrinking", Resizable, ct);
            if (share is null)
                return ShareActions.Refused(refusal!);
            var type = share.ShareType!;
            if (size == share.SizeGiB)
                return CommandResult.Refused(SizeField, $"The share is already {size} GiB; enter a different size.");
            if (grow && size < share.SizeGiB)
                return CommandResult.Refused(SizeField, $"{size} GiB is smaller than the current {share.SizeGiB} GiB; use Shrink to make the share smaller.");
            if (!grow && size > share.SizeGiB)
                return CommandResult.Refused(SizeField, $"{size} GiB is larger than the current {share.SizeGiB} GiB; use Extend to make the share larger.");
            if (size > type.MaxSizeGiB || size < type.MinSizeGiB)
                return CommandResult.Refused(SizeField, $"Share type '{type.Name}' takes sizes from {type.MinSizeGiB} to {type.MaxSizeGiB} GiB.");
            if (grow)
            {
                var usage = await QuotaUsage.ForProjectAsync(db, share.ProjectId, ct);
                if (QuotaCheck.RefuseExtend(share.Project!.Quotas, usage, share.SizeGiB, size) is { } over)
                    return CommandResult.Refused(SizeField, over) with { Kind = RefusalKind.OverQuota };
                share.Project.QuotaStamp = Guid.NewGuid();
            }
            share.Status = grow ? ShareStatus.Extending : ShareStatus.Shrinking;
            share.PendingSizeGiB = size;
            share.StatusMessage = null;
            share.UpdatedAt = work.Now;
            work.Queue(db, grow ? OperationKind.ExtendShare : OperationKind.ShrinkShare, share, user.UserId,
                grow ? ExtendShareHandler.PlannedSteps : ShrinkShareHandler.PlannedSteps);
            work.Audit(db, user, grow ? "share.extend" : "share.shrink", $"share {share.Name} in {share.Project!.Name}", share.ProjectId,
                $"{share.SizeGiB} GiB to {size} GiB");
            return CommandResult.Done(share.Id);
        }, ct);
    }
}
