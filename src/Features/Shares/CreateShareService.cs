using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Quotas;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Shares;

/// <summary>
/// Accepts a share request in one transaction: validate, check and reserve quota, record the share and
/// its operation; then queue the job. Bad input changes nothing.
/// </summary>
public sealed partial class CreateShareService(
    IDbContextFactory<PortalDbContext> dbFactory, IOperationScheduler queue, ShareEvents events, TimeProvider time)
{
    public const string NameField = "Name", SizeField = "Size", TypeField = "ShareType", DescriptionField = "Description", FormField = "";

    public async Task<CreateShareResult> CreateAsync(CurrentUser user, CreateShareRequest request, CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string>();
        var name = (request.Name ?? "").Trim();
        var description = (request.Description ?? "").Trim();
        ValidateName(name, errors);
        if (description.Length > ShareRules.MaxDescriptionLength)
            errors[DescriptionField] = $"The description may be at most {ShareRules.MaxDescriptionLength} characters.";
        var size = ParseSize(request.Size, errors);
        if (request.ShareTypeId is null)
            errors[TypeField] = "Choose a share type.";
        if (errors.Count > 0)
            return new CreateShareResult(null, errors);

        // A reservation that lost a race to a concurrent one is checked again against the new usage.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryCreateAsync(user, request, name, description, size!.Value, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
            }
            catch (DbUpdateException ex) when (ex.InnerException is SqliteException { SqliteErrorCode: 19 })
            {
                return CreateShareResult.Refused(NameField, NameTaken(name));
            }
        }
    }

    private async Task<CreateShareResult> TryCreateAsync(
        CurrentUser user, CreateShareRequest request, string name, string description, int size, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Microsoft.Data.Sqlite begins IMMEDIATE transactions: the check and the insert hold the write lock together.
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        var project = await db.Projects.Visible(db, user).SingleOrDefaultAsync(p => p.Id == request.ProjectId, ct);
        if (project is null)
            return CreateShareResult.Refused(FormField, "You are not a member of that project.");
        var type = await db.ShareTypes.SingleOrDefaultAsync(t => t.Id == request.ShareTypeId && t.IsPublic, ct);
        if (type is null)
            return CreateShareResult.Refused(TypeField, "That share type does not exist or is not available to this project.");
        if (size < type.MinSizeGiB || size > type.MaxSizeGiB)
            return CreateShareResult.Refused(SizeField, $"Share type '{type.Name}' takes sizes from {type.MinSizeGiB} to {type.MaxSizeGiB} GiB.");
        if (await db.Shares.AnyAsync(s => s.ProjectId == project.Id && s.Name == name, ct))
            return CreateShareResult.Refused(NameField, NameTaken(name));

        var usage = await QuotaUsage.ForProjectAsync(db, project.Id, ct);
        if (QuotaCheck.RefuseNewShare(project.Quotas, usage, size) is { } refusal)
            return CreateShareResult.Refused(SizeField, refusal);

        var now = time.GetUtcNow().UtcDateTime;
        var needsApproval = type.Approval == ApprovalPolicy.Always
                            || (type.Approval == ApprovalPolicy.AboveSize && size > type.ApprovalAboveGiB);
        var share = new Share
        {
            ProjectId = project.Id, Name = name, Description = description, ShareTypeId = type.Id, SizeGiB = size,
            Status = needsApproval ? ShareStatus.AwaitingApproval : ShareStatus.Creating,
            StatusMessage = needsApproval ? "Waiting for an admin to approve the request; its quota is reserved." : null,
            CreatedByUserId = user.UserId, CreatedAt = now, UpdatedAt = now,
        };
        db.Shares.Add(share);
        Operation? operation = null;
        if (!needsApproval)
        {
            operation = new Operation
            {
                Kind = OperationKind.CreateShare, ProjectId = project.Id, ShareId = share.Id,
                RequestedByUserId = user.UserId, CreatedAt = now, PlannedSteps = CreateShareHandler.PlannedSteps,
            };
            db.Operations.Add(operation);
        }
        project.QuotaStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        if (operation is not null)
            queue.Enqueue(operation.Id);
        events.Publish(new ShareChanged(share.Id, project.Id));
        return new CreateShareResult(share.Id, new Dictionary<string, string>());
    }

    private static void ValidateName(string name, Dictionary<string, string> errors)
    {
        if (name.Length == 0)
            errors[NameField] = "Give the share a name.";
        else if (name.Length > ShareRules.MaxNameLength)
            errors[NameField] = $"The name may be at most {ShareRules.MaxNameLength} characters; this one has {name.Length}.";
        else if (!NamePattern().IsMatch(name))
            errors[NameField] = "Use letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit.";
    }

    private static int? ParseSize(string? text, Dictionary<string, string> errors)
    {
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
        {
            errors[SizeField] = "Enter a size in GiB.";
            return null;
        }
        if (!long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size))
        {
            errors[SizeField] = $"'{Shorten(trimmed)}' is not a whole number of GiB; enter a number such as 5.";
            return null;
        }
        if (size < 1)
        {
            errors[SizeField] = "The size must be at least 1 GiB.";
            return null;
        }
        if (size > int.MaxValue)
        {
            errors[SizeField] = "That size is far larger than any share type allows.";
            return null;
        }
        return (int)size;
    }

    private static string NameTaken(string name) => $"This project already has a share named '{name}'; choose another name.";

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";

    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N} ._-]*$")]
    private static partial Regex NamePattern();
}
