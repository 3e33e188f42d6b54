using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Quotas;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.ShareTypes;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Shares.Create;

/// <summary>
/// Accepts a share request (optionally from a snapshot) in one transaction: validate, check and reserve
/// quota, record the share and its operation; then the job is queued. Bad input changes nothing.
/// </summary>
public sealed class CreateShareService(OperationIntake intake)
{
    public const string NameField = "Name", SizeField = "Size", TypeField = "ShareType", DescriptionField = "Description";
    public const string FormField = CommandResult.FormField;

    public async Task<CommandResult> CreateAsync(CurrentUser user, CreateShareRequest request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        var name = UserInput.ValidateName(request.Name, "share", out var nameError);
        var description = UserInput.ValidateDescription(request.Description, out var descriptionError);
        var size = UserInput.ParseSize(request.Size, out var sizeError);
        if (nameError is not null) errors[NameField] = nameError;
        if (descriptionError is not null) errors[DescriptionField] = descriptionError;
        if (sizeError is not null) errors[SizeField] = sizeError;
        if (request.ShareTypeId is null) errors[TypeField] = "Choose a share type.";
        if (errors.Count > 0)
            return CommandResult.Refused(errors);

        // Under a burst of creates against one quota most are refused: those answer from the committed state at once
        // instead of queueing behind the accepted ones' commits (ADR 36).
        return await intake.RunAsync((db, work) => DecideAsync(db, work, user, request, name!, description!, size!.Value, ct),
            ct, onDuplicate: NameTaken(name!), refusesFromSnapshot: true);
    }

    /// <summary>The decision inside the intake's transaction; CreateShareRehearsal makes one at start.</summary>
    internal static async Task<CommandResult> DecideAsync(PortalDbContext db, QueuedWork work, CurrentUser user,
        CreateShareRequest request, string name, string description, int size, CancellationToken ct)
    {
        var project = await db.Projects.Visible(db, user).SingleOrDefaultAsync(p => p.Id == request.ProjectId, ct);
        if (project is null)
            return CommandResult.Refused(RefusalKind.NotFound, "You are not a member of that project.");
        var type = await db.ShareTypes.SingleOrDefaultAsync(t => t.Id == request.ShareTypeId, ct);
        if (type is null || !ShareTypeQueries.OfferedTo(type, project.Id))
            return CommandResult.Refused(TypeField, "That share type does not exist or is not available to this project.");
        if (size < type.MinSizeGiB || size > type.MaxSizeGiB)
            return CommandResult.Refused(SizeField, $"Share type '{type.Name}' takes sizes from {type.MinSizeGiB} to {type.MaxSizeGiB} GiB.");

        Snapshot? source = null;
        if (request.SourceSnapshotId is { } snapshotId)
        {
            source = await db.Snapshots.Include(s => s.Share).SingleOrDefaultAsync(s => s.Id == snapshotId && s.ProjectId == project.Id, ct);
            if (source is null)
                return CommandResult.Refused(RefusalKind.NotFound, "That snapshot does not exist in this project.");
            if (source.Status != SnapshotStatus.Available)
                return CommandResult.Refused(RefusalKind.Conflict, $"The snapshot is {source.Status.ToManila()}; a share can be made from it only when it is available.");
            if (!type.CreateShareFromSnapshotSupport)
                return CommandResult.Refused(TypeField, $"Share type '{type.Name}' does not support creating shares from snapshots; choose another type.");
            if (size < source.SizeGiB)
                return CommandResult.Refused(SizeField, $"The snapshot holds a {source.SizeGiB} GiB share; the new share must be at least {source.SizeGiB} GiB.");
        }
        if (await db.Shares.AnyAsync(s => s.ProjectId == project.Id && s.Name == name, ct))
            return CommandResult.Refused(NameField, NameTaken(name)) with { Kind = RefusalKind.Conflict };

        var usage = await QuotaUsage.ForProjectAsync(db, project.Id, ct);
        if (QuotaCheck.RefuseNewShare(project.Quotas, usage, size) is { } refusal)
            return CommandResult.Refused(SizeField, refusal) with { Kind = RefusalKind.OverQuota };

        var needsApproval = type.Approval == ApprovalPolicy.Always
                            || (type.Approval == ApprovalPolicy.AboveSize && size > type.ApprovalAboveGiB);
        var creating = source is null ? ShareStatus.Creating : ShareStatus.CreatingFromSnapshot;
        var share = new Share
        {
            ProjectId = project.Id, Name = name, Description = description, ShareTypeId = type.Id, SizeGiB = size,
            Status = needsApproval ? ShareStatus.AwaitingApproval : creating,
            StatusMessage = needsApproval ? "Waiting for an admin to approve the request; its quota is reserved." : null,
            SourceSnapshotId = source?.Id, IsCloneOfSource = source is not null && type.CloneFromSnapshot,
            CreatedByUserId = user.UserId, CreatedAt = work.Now, UpdatedAt = work.Now,
        };
        db.Shares.Add(share);
        if (needsApproval)
            work.Touched(share);
        else if (source is null)
            work.Queue(db, OperationKind.CreateShare, share, user.UserId, CreateShareHandler.PlannedSteps);
        else
            work.Queue(db, OperationKind.CreateShareFromSnapshot, share, user.UserId, CreateShareFromSnapshotHandler.PlannedSteps, source.Id);
        project.QuotaStamp = Guid.NewGuid();
        work.Audit(db, user, source is null ? "share.create" : "share.create_from_snapshot", $"share {name} in {project.Name}", project.Id,
            (source, needsApproval) switch
            {
                // Whole alternatives rather than clauses added on, so that each reads right in every language.
                (null, false) => $"{size} GiB, type {type.Name}",
                (null, true) => $"{size} GiB, type {type.Name}, awaiting approval",
                (_, false) => $"{size} GiB, type {type.Name}, from snapshot {source.Name}",
                (_, true) => $"{size} GiB, type {type.Name}, from snapshot {source.Name}, awaiting approval",
            });
        return CommandResult.Done(share.Id);
    }

    private static string NameTaken(string name) => $"This project already has a share named '{name}'; choose another name.";
}
