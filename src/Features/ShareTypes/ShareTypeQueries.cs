using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Features.ShareTypes;

public sealed record ShareTypeOption(Guid Id, string Name, string Description, int MinSizeGiB, int MaxSizeGiB, bool IsDefault);

public sealed class ShareTypeQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<IReadOnlyList<ShareTypeOption>> ListPublicAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ShareTypes.Where(t => t.IsPublic).OrderByDescending(t => t.IsDefault).ThenBy(t => t.Name)
            .Select(t => new ShareTypeOption(t.Id, t.Name, t.Description, t.MinSizeGiB, t.MaxSizeGiB, t.IsDefault))
            .ToListAsync(ct);
    }
}
