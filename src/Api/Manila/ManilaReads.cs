using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.ShareTypes;

namespace ZfsPortal.Api.Manila;

/// <summary>
/// The records Manila's views are built from. Every read goes through <see cref="ProjectAccess"/>'s Visible, the
/// rule the browser's queries use, so a token sees exactly what its owner sees in the portal; writes never come here.
/// </summary>
public sealed class ManilaReads(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Shares in <paramref name="projectId"/>, or in every project the user may see when it is null.</summary>
    public async Task<List<Share>> SharesAsync(ManilaRequest request, Guid? projectId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var shares = db.Shares.AsNoTracking().Visible(db, request.User).Include(s => s.ShareType).Include(s => s.Project).AsQueryable();
        if (projectId is { } id)
            shares = shares.Where(s => s.ProjectId == id);
        return await shares.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id).ToListAsync(ct);
    }

    public async Task<Share?> ShareAsync(ManilaRequest request, Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Shares.AsNoTracking().Visible(db, request.User).Include(s => s.ShareType).Include(s => s.Project)
            .SingleOrDefaultAsync(s => s.Id == id, ct);
    }

    public async Task<List<AccessRule>> RulesAsync(ManilaRequest request, Guid shareId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AccessRules.AsNoTracking()
            .Where(r => r.ShareId == shareId && db.Shares.Visible(db, request.User).Any(s => s.Id == r.ShareId))
            .OrderBy(r => r.CreatedAt).ToListAsync(ct);
    }

    public async Task<AccessRule?> RuleAsync(ManilaRequest request, Guid ruleId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.AccessRules.AsNoTracking()
            .Where(r => db.Shares.Visible(db, request.User).Any(s => s.Id == r.ShareId))
            .SingleOrDefaultAsync(r => r.Id == ruleId, ct);
    }

    public async Task<List<Snapshot>> SnapshotsAsync(ManilaRequest request, Guid? projectId, Guid? snapshotId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var snapshots = db.Snapshots.AsNoTracking().Include(s => s.Share)
            .Where(s => db.Shares.Visible(db, request.User).Any(v => v.Id == s.ShareId));
        if (projectId is { } project)
            snapshots = snapshots.Where(s => s.ProjectId == project);
        if (snapshotId is { } id)
            snapshots = snapshots.Where(s => s.Id == id);
        return await snapshots.OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id).ToListAsync(ct);
    }

    /// <summary>Admins see every type; tenants the ones offered to the project they act in (as the create form).</summary>
    public async Task<List<ShareType>> TypesAsync(ManilaRequest request, Guid? projectId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var types = await db.ShareTypes.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct);
        return request.User.IsAdmin ? types : types.Where(t => projectId is { } p && ShareTypeQueries.OfferedTo(t, p)).ToList();
    }

    /// <summary>Failed operations of the projects the user may see: each is one user message.</summary>
    public async Task<List<Operation>> FailuresAsync(ManilaRequest request, Guid? projectId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var visible = db.Projects.Visible(db, request.User).Select(p => p.Id);
        var failed = db.Operations.AsNoTracking().Where(o => o.State == OperationState.Failed && visible.Contains(o.ProjectId));
        if (projectId is { } id)
            failed = failed.Where(o => o.ProjectId == id);
        return await failed.OrderByDescending(o => o.FinishedAt).ToListAsync(ct);
    }
}
