using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Projects;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Shares.Edit;

/// <summary>
/// Renames a share or changes its description: nothing on the host depends on either (datasets are named from ids),
/// so no operation is queued; the change is audited and open pages re-read it.
/// </summary>
public sealed class EditShareService(OperationIntake intake)
{
    public const string NameField = "Name", DescriptionField = "Description";

    /// <param name="name">The new name, or null to keep it.</param>
    /// <param name="description">The new description, or null to keep it.</param>
    public async Task<CommandResult> EditAsync(CurrentUser user, Guid shareId, string? name, string? description, CancellationToken ct = default)
    {
        string? validName = null, validDescription = null;
        if (name is not null && (validName = UserInput.ValidateName(name, "share", out var nameError)) is null)
            return CommandResult.Refused(NameField, nameError!);
        if (description is not null && (validDescription = UserInput.ValidateDescription(description, out var descriptionError)) is null)
            return CommandResult.Refused(DescriptionField, descriptionError!);

        return await intake.RunAsync(async (db, work) =>
        {
            var share = await db.Shares.Visible(db, user).Include(s => s.Project).SingleOrDefaultAsync(s => s.Id == shareId, ct);
            if (share is null)
                return ShareActions.Refused(ShareActions.NotFound);
            if (validName is not null && validName != share.Name
                && await db.Shares.AnyAsync(s => s.ProjectId == share.ProjectId && s.Name == validName, ct))
                return CommandResult.Refused(NameField, NameTaken(validName)) with { Kind = RefusalKind.Conflict };
            var before = share.Name;
            share.Name = validName ?? share.Name;
            share.Description = validDescription ?? share.Description;
            share.UpdatedAt = work.Now;
            work.Touched(share);
            work.Audit(db, user, "share.update", $"share {before} in {share.Project!.Name}", share.ProjectId,
                validName is not null && validName != before ? $"renamed to {validName}" : "description changed");
            return CommandResult.Done(share.Id);
        }, ct, onDuplicate: NameTaken(validName ?? ""));
    }

    private static string NameTaken(string name) => $"This project already has a share named '{name}'; choose another name.";
}
