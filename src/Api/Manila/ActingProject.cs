using Microsoft.EntityFrameworkCore;
using ZfsPortal.Api.Authentication;
using ZfsPortal.Data;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Api.Manila;

/// <summary>
/// Which project a request acts in. Manila URLs may carry one (<c>/v2/{project_id}/shares</c>); since 2.60 they need
/// not. In order: the URL's project, the <c>X-Project-Id</c> header, the token's project scope, the user's first
/// project by name. Each is an id or a name, and must be one of the projects the user may see (admins: any).
/// </summary>
public sealed class ActingProject(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const string Header = "X-Project-Id";

    public async Task<(ProjectSummary? Project, IResult? Error)> ResolveAsync(HttpContext http, ManilaRequest request, CancellationToken ct)
    {
        var named = request.UrlProject ?? NonEmpty(http.Request.Headers[Header].ToString())
                    ?? http.User.FindFirst(ApiTokenAuthenticationHandler.TokenProjectClaim)?.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (named is null)
        {
            var first = await MemberProjects(db, request).OrderBy(p => p.Name).FirstOrDefaultAsync(ct)
                        ?? await db.Projects.Visible(db, request.User).OrderBy(p => p.Name).FirstOrDefaultAsync(ct);
            return first is null
                ? (null, ManilaErrors.NotFound("You are not a member of any project."))
                : (new ProjectSummary(first.Id, first.Name), null);
        }
        var project = await FindAsync(db, request, named, ct);
        return project is null
            ? (null, ManilaErrors.NotFound($"Project {Shorten(named)} could not be found."))
            : (project, null);
    }

    /// <summary>A project the user may see, by id or by name; null otherwise (another's project reads as absent).</summary>
    public async Task<ProjectSummary?> FindAsync(ManilaRequest request, string idOrName, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await FindAsync(db, request, idOrName, ct);
    }

    private static async Task<ProjectSummary?> FindAsync(PortalDbContext db, ManilaRequest request, string idOrName, CancellationToken ct)
    {
        var visible = db.Projects.Visible(db, request.User);
        var byId = Guid.TryParse(idOrName, out var id);
        return await visible.Where(p => byId ? p.Id == id : p.Name == idOrName)
            .Select(p => new ProjectSummary(p.Id, p.Name)).FirstOrDefaultAsync(ct);
    }

    /// <summary>An admin's default is a project they belong to, if any; only then any project.</summary>
    private static IQueryable<Project> MemberProjects(PortalDbContext db, ManilaRequest request) =>
        db.Projects.Where(p => db.ProjectMembers.Any(m => m.ProjectId == p.Id && m.UserId == request.User.UserId));

    private static string? NonEmpty(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40];
}
