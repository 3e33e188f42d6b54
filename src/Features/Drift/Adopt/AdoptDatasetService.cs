using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Quotas;
using ZfsPortal.Features.ShareTypes;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Drift.Adopt;

public sealed record AdoptRequest(long FindingId, Guid? ProjectId, Guid? ShareTypeId, string? Name);

/// <summary>
/// Manila's <c>manage</c>: an admin adopts a dataset the last reconcile found below the backend's prefix with no share, as a share of a
/// project and type. The size is its refquota (or its usage, rounded up to whole GiB) and is checked against the project's quota and
/// the type's sizes; the share is recorded <c>creating</c> and a <see cref="ManageShareHandler"/> operation takes the dataset over.
/// </summary>
public sealed class AdoptDatasetService(OperationIntake intake)
{
    public const string NameField = "Name", ProjectField = "Project", TypeField = "ShareType";

    public async Task<CommandResult> AdoptAsync(CurrentUser admin, AdoptRequest request, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused("Only admins may adopt datasets.");
        var name = UserInput.ValidateName(request.Name, "share", out var nameError);
        if (nameError is not null)
            return CommandResult.Refused(NameField, nameError);
        if (request.ProjectId is null)
            return CommandResult.Refused(ProjectField, "Choose the project the share will belong to.");
        if (request.ShareTypeId is null)
            return CommandResult.Refused(TypeField, "Choose a share type.");
        return await intake.RunAsync((db, work) => DecideAsync(db, work, admin, request, name!, ct), ct,
            onDuplicate: $"This project already has a share named '{name}'; choose another name.");
    }

    private static async Task<CommandResult> DecideAsync(PortalDbContext db, QueuedWork work, CurrentUser admin, AdoptRequest request,
        string name, CancellationToken ct)
    {
        var finding = await db.DriftFindings.SingleOrDefaultAsync(f => f.Id == request.FindingId && f.Kind == DriftKind.UnownedDataset, ct);
        if (finding?.Dataset is null)
            return CommandResult.Refused("That dataset is no longer listed as unowned; reconcile the backend and look again.");
        if (await db.Shares.AnyAsync(s => s.Dataset == finding.Dataset && s.BackendName == finding.BackendName, ct))
            return CommandResult.Refused($"A share already owns {finding.Dataset}.");
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == request.ProjectId, ct);
        if (project is null)
            return CommandResult.Refused(ProjectField, "That project does not exist.");
        var type = await db.ShareTypes.SingleOrDefaultAsync(t => t.Id == request.ShareTypeId, ct);
        if (type is null || !ShareTypeQueries.OfferedTo(type, project.Id))
            return CommandResult.Refused(TypeField, "That share type does not exist or is not available to this project.");
        var size = SizeGiB(finding.SizeBytes);
        if (size < type.MinSizeGiB || size > type.MaxSizeGiB)
            return CommandResult.Refused(TypeField,
                $"The dataset holds {size} GiB, and share type '{type.Name}' takes sizes from {type.MinSizeGiB} to {type.MaxSizeGiB} GiB; choose another type.");
        if (await db.Shares.AnyAsync(s => s.ProjectId == project.Id && s.Name == name, ct))
            return CommandResult.Refused(NameField, $"This project already has a share named '{name}'; choose another name.");
        var usage = await QuotaUsage.ForProjectAsync(db, project.Id, ct);
        if (QuotaCheck.RefuseNewShare(project.Quotas, usage, size) is { } refusal)
            return CommandResult.Refused(refusal);
        var share = new Share
        {
            ProjectId = project.Id, Name = name, Description = Clip($"Adopted from {finding.Dataset}", ShareRules.MaxDescriptionLength), ShareTypeId = type.Id, SizeGiB = size,
            Status = ShareStatus.Creating, StatusMessage = "Taking over an existing dataset.",
            BackendName = finding.BackendName, Pool = finding.Dataset.Split('/')[0], Dataset = finding.Dataset,
            CreatedByUserId = admin.UserId, CreatedAt = work.Now, UpdatedAt = work.Now,
        };
        db.Shares.Add(share);
        db.DriftFindings.Remove(finding);
        work.Queue(db, OperationKind.ManageShare, share, admin.UserId, ManageShareHandler.PlannedSteps);
        project.QuotaStamp = Guid.NewGuid();
        work.Audit(db, admin, "share.manage", $"share {name} in {project.Name}", project.Id,
            $"adopted {finding.Dataset} on backend {finding.BackendName}, {size} GiB, type {type.Name}");
        return CommandResult.Done(share.Id);
    }

    /// <summary>The adopted share's size: the dataset's refquota (or usage) rounded up to whole GiB, at least 1; the dialog shows it.</summary>
    public static int SizeGiB(long? bytes) => (int)Math.Max(1, (Math.Max(0, bytes ?? 0) + (1L << 30) - 1) >> 30);

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
