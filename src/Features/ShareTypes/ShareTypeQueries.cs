using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Features.ShareTypes;

public sealed record ShareTypeOption(Guid Id, string Name, string Description, int MinSizeGiB, int MaxSizeGiB, bool IsDefault,
    ApprovalPolicy Approval = ApprovalPolicy.Never, int ApprovalAboveGiB = 0)
{
    /// <summary>What a requester should know before asking, e.g. "needs an admin's approval above 50 GiB".</summary>
    public string? ApprovalHint => Approval switch
    {
        ApprovalPolicy.Always => "every request needs an admin's approval",
        ApprovalPolicy.AboveSize => $"requests above {ApprovalAboveGiB} GiB need an admin's approval",
        _ => null,
    };
}

public sealed class ShareTypeQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>The types a project may request: public or limited to it, and not retired.</summary>
    public async Task<IReadOnlyList<ShareTypeOption>> ListForProjectAsync(Guid projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var types = await db.ShareTypes.AsNoTracking().Where(t => !t.IsRetired).ToListAsync(ct);
        return types.Where(t => t.IsPublic || t.ProjectIds.Contains(projectId))
            .OrderByDescending(t => t.IsDefault).ThenBy(t => t.Name, StringComparer.Ordinal)
            .Select(t => new ShareTypeOption(t.Id, t.Name, t.Description, t.MinSizeGiB, t.MaxSizeGiB, t.IsDefault, t.Approval, t.ApprovalAboveGiB))
            .ToList();
    }

    public static bool OfferedTo(ShareType type, Guid projectId) => !type.IsRetired && (type.IsPublic || type.ProjectIds.Contains(projectId));
}
