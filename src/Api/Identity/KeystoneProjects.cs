using Microsoft.EntityFrameworkCore;
using ZfsPortal.Api.Manila;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Api.Identity;

/// <summary>
/// Keystone's projects, read-only, as the portal's projects the caller may see (members: theirs; admins: all).
/// openstackclient resolves a project name here (<c>openstack share quota show demo</c>).
/// </summary>
public static class KeystoneProjects
{
    public static void Map(RouteGroupBuilder authenticated)
    {
        authenticated.MapGet("/projects", async (HttpContext http, IDbContextFactory<PortalDbContext> dbFactory, string? name) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
            var projects = await ProjectAccess.ListAsync(db, CurrentUser.From(http.User), http.RequestAborted);
            return Results.Json(new { projects = projects.Where(p => name is null || p.Name == name).Select(p => View(p, http.Request)) });
        }).WithSummary("The projects the caller may see; ?name= filters by name.");
        authenticated.MapGet("/projects/{id}", async (HttpContext http, IDbContextFactory<PortalDbContext> dbFactory, string id) =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
            var projects = await ProjectAccess.ListAsync(db, CurrentUser.From(http.User), http.RequestAborted);
            return Guid.TryParse(id, out var projectId) && projects.FirstOrDefault(p => p.Id == projectId) is { } project
                ? Results.Json(new { project = View(project, http.Request) })
                : KeystoneErrors.NotFound("Could not find project.");
        }).WithSummary("One project the caller may see, by id.");
    }

    private static object View(ProjectSummary project, HttpRequest request) => new
    {
        id = project.Id.ToString(),
        name = project.Name,
        domain_id = "default",
        parent_id = "default",
        enabled = true,
        is_domain = false,
        description = "",
        tags = Array.Empty<string>(),
        links = new { self = $"{Microversions.BaseUrl(request)}/identity/v3/projects/{project.Id}" },
    };
}
