using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;

namespace ZfsPortal.Features.Projects;

public sealed record ProjectSummary(Guid Id, string Name);

/// <summary>Which projects a user may see: members see their own, admins see all.</summary>
public static class ProjectAccess
{
    public static IQueryable<Project> Visible(this IQueryable<Project> projects, PortalDbContext db, CurrentUser user) =>
        user.IsAdmin ? projects : projects.Where(p => db.ProjectMembers.Any(m => m.ProjectId == p.Id && m.UserId == user.UserId));

    public static IQueryable<Share> Visible(this IQueryable<Share> shares, PortalDbContext db, CurrentUser user) =>
        user.IsAdmin ? shares : shares.Where(s => db.ProjectMembers.Any(m => m.ProjectId == s.ProjectId && m.UserId == user.UserId));

    public static Task<List<ProjectSummary>> ListAsync(PortalDbContext db, CurrentUser user, CancellationToken ct) =>
        db.Projects.Visible(db, user).OrderBy(p => p.Name).Select(p => new ProjectSummary(p.Id, p.Name)).ToListAsync(ct);
}
