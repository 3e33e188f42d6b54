using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Features.ShareTypes;

/// <summary>
/// What the share type form sends; numbers are text so that one validator judges them. No export policy: the default
/// for a new type, the current one when editing.
/// </summary>
public sealed record ShareTypeInput(
    string? Name, string? Description, bool IsPublic, IReadOnlyList<Guid> ProjectIds, bool SnapshotSupport,
    bool CreateShareFromSnapshotSupport, bool CloneFromSnapshot, string? BackendName, string? MinSizeGiB, string? MaxSizeGiB,
    ApprovalPolicy Approval, string? ApprovalAboveGiB, string? DatasetProperties, ExportPolicyInput? ExportPolicy = null);

public sealed record ShareTypeAdminRow(Guid Id, string Name, string Description, bool IsPublic, IReadOnlyList<Guid> ProjectIds, IReadOnlyList<string> Projects,
    bool SnapshotSupport, bool CreateShareFromSnapshotSupport, bool CloneFromSnapshot, string? BackendName, int MinSizeGiB,
    int MaxSizeGiB, ApprovalPolicy Approval, int ApprovalAboveGiB, IReadOnlyDictionary<string, string> DatasetProperties,
    bool IsDefault, bool IsRetired, int Shares, ExportPolicy ExportPolicy);

/// <summary>Admins create, edit and retire share types; extra specs are checked, ZFS properties against an allow-list.</summary>
public sealed class ShareTypeAdminService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    public const string NameField = "Name", MinField = "MinSizeGiB", MaxField = "MaxSizeGiB", ApprovalField = "ApprovalAboveGiB",
        PropertiesField = "DatasetProperties", DescriptionField = "Description", ProjectsField = "ProjectIds", BackendField = "BackendName", CloneField = "CloneFromSnapshot";
    private const string NotAdmin = "Only admins may manage share types.";

    public async Task<IReadOnlyList<ShareTypeAdminRow>> ListAsync(CurrentUser admin, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var projects = await db.Projects.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        var counts = await db.Shares.GroupBy(s => s.ShareTypeId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return (await db.ShareTypes.AsNoTracking().OrderBy(t => t.IsRetired).ThenBy(t => t.Name).ToListAsync(ct))
            .Select(t => new ShareTypeAdminRow(t.Id, t.Name, t.Description, t.IsPublic, t.ProjectIds,
                t.ProjectIds.Select(id => projects.GetValueOrDefault(id, "(deleted project)")).ToList(), t.SnapshotSupport,
                t.CreateShareFromSnapshotSupport, t.CloneFromSnapshot, t.BackendName, t.MinSizeGiB, t.MaxSizeGiB, t.Approval,
                t.ApprovalAboveGiB, t.DatasetProperties, t.IsDefault, t.IsRetired, counts.GetValueOrDefault(t.Id), t.ExportPolicy))
            .ToList();
    }

    public Task<CommandResult> CreateAsync(CurrentUser admin, ShareTypeInput input, CancellationToken ct = default) =>
        SaveAsync(admin, null, input, ct);

    public Task<CommandResult> UpdateAsync(CurrentUser admin, Guid id, ShareTypeInput input, CancellationToken ct = default) =>
        SaveAsync(admin, id, input, ct);

    /// <summary>Retired types are not offered for new shares; existing shares keep working.</summary>
    public async Task<CommandResult> SetRetiredAsync(CurrentUser admin, Guid id, bool retired, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused(NotAdmin);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var type = await db.ShareTypes.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (type is null)
            return CommandResult.Refused(RefusalKind.NotFound, "That share type does not exist.");
        if (retired && type.IsDefault)
            return CommandResult.Refused("The default share type cannot be retired; make another type the default first.");
        type.IsRetired = retired;
        AuditLog.Add(db, time.GetUtcNow().UtcDateTime, admin, retired ? "share_type.retire" : "share_type.restore", $"share type {type.Name}");
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(type.Id);
    }

    private async Task<CommandResult> SaveAsync(CurrentUser admin, Guid? id, ShareTypeInput input, CancellationToken ct)
    {
        if (!admin.IsAdmin)
            return CommandResult.Refused(NotAdmin);
        var errors = new Dictionary<string, string>();
        var name = UserInput.ValidateName(input.Name, "share type", out var nameError);
        if (nameError is not null) errors[NameField] = nameError;
        var description = UserInput.ValidateDescription(input.Description, out var descriptionError);
        if (descriptionError is not null) errors[DescriptionField] = descriptionError;
        var min = UserInput.ParseSize(input.MinSizeGiB, out var minError);
        if (minError is not null) errors[MinField] = minError;
        var max = UserInput.ParseSize(input.MaxSizeGiB, out var maxError);
        if (maxError is not null) errors[MaxField] = maxError;
        if (min is not null && max is not null && min > max)
            errors[MaxField] = $"The largest size ({max} GiB) is below the smallest ({min} GiB).";
        var above = 0;
        if (input.Approval == ApprovalPolicy.AboveSize)
        {
            if (UserInput.ParseSize(input.ApprovalAboveGiB, out var aboveError) is { } parsed)
                above = parsed;
            else
                errors[ApprovalField] = aboveError!;
        }
        var properties = DatasetPropertyRules.Parse(input.DatasetProperties, out var propertiesError);
        if (propertiesError is not null) errors[PropertiesField] = propertiesError;
        if (!input.IsPublic && input.ProjectIds.Count == 0)
            errors[ProjectsField] = "A type that is not public must be offered to at least one project.";
        if (input.CloneFromSnapshot && !input.CreateShareFromSnapshotSupport)
            errors[CloneField] = "Clones are a way to create shares from snapshots; turn that on too, or turn clones off.";
        var backend = string.IsNullOrWhiteSpace(input.BackendName) ? null : input.BackendName.Trim();
        var policyErrors = new Dictionary<string, string>();
        var policy = input.ExportPolicy?.Parse(out policyErrors);
        foreach (var (field, message) in policyErrors)
            errors[field] = message;

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (name is not null && await db.ShareTypes.AnyAsync(t => t.Name == name && t.Id != id, ct))
            errors[NameField] = $"A share type named '{name}' exists already.";
        if (backend is not null && !await db.Backends.AnyAsync(b => b.Settings.Name == backend, ct))
            errors[BackendField] = $"There is no backend named '{backend}'.";
        var known = await db.Projects.Where(p => input.ProjectIds.Contains(p.Id)).CountAsync(ct);
        if (known != input.ProjectIds.Distinct().Count())
            errors[ProjectsField] = "One of the chosen projects no longer exists.";
        if (errors.Count > 0)
            return CommandResult.Refused(errors);

        var type = id is null ? new ShareType() : await db.ShareTypes.SingleOrDefaultAsync(t => t.Id == id, ct);
        if (type is null)
            return CommandResult.Refused(RefusalKind.NotFound, "That share type does not exist.");
        if (id is null)
            db.ShareTypes.Add(type);
        type.Name = name!;
        type.Description = description!;
        type.IsPublic = input.IsPublic;
        type.ProjectIds = input.IsPublic ? [] : input.ProjectIds.Distinct().ToList();
        type.SnapshotSupport = input.SnapshotSupport;
        type.CreateShareFromSnapshotSupport = input.CreateShareFromSnapshotSupport;
        type.CloneFromSnapshot = input.CloneFromSnapshot;
        type.BackendName = backend;
        (type.MinSizeGiB, type.MaxSizeGiB) = (min!.Value, max!.Value);
        (type.Approval, type.ApprovalAboveGiB) = (input.Approval, above);
        type.DatasetProperties = properties!;
        type.ExportPolicy = policy ?? type.ExportPolicy;
        AuditLog.Add(db, time.GetUtcNow().UtcDateTime, admin, id is null ? "share_type.create" : "share_type.update", $"share type {type.Name}",
            detail: $"{string.Join(", ", properties!.Select(p => $"{p.Key}={p.Value}"))}; export policy: {ExportPolicyInput.Describe(type.ExportPolicy)}");
        await db.SaveChangesAsync(ct);
        return CommandResult.Done(type.Id);
    }
}
