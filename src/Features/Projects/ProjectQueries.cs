using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Quotas;

namespace ZfsPortal.Features.Projects;

/// <param name="ExportPolicy">The project's narrowing of its share types' export policies; null when it has none.</param>
public sealed record ProjectOverview(Guid Id, string Name, string Description, QuotaLimits Quotas, QuotaUsage Usage, ExportPolicy? ExportPolicy = null);

/// <summary>A project's quotas and usage, for the bars tenants and admins see.</summary>
public sealed class ProjectQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Null when the project does not exist or the user is not a member (and not an admin).</summary>
    public async Task<ProjectOverview?> OverviewAsync(CurrentUser user, Guid projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.Visible(db, user).AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, ct);
        return project is null ? null
            : new ProjectOverview(project.Id, project.Name, project.Description, project.Quotas, await QuotaUsage.ForProjectAsync(db, project.Id, ct),
                project.ExportPolicy);
    }
}
