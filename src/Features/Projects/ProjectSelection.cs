using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;

namespace ZfsPortal.Features.Projects;

/// <summary>
/// The project a user works in, for one browser circuit (scoped). The app bar switches it; pages read it
/// and re-render on <see cref="Changed"/>. The list is read again whenever a page asks, so a project made
/// (or a membership granted) during the session shows up on the next page.
/// </summary>
public sealed class ProjectSelection(IDbContextFactory<PortalDbContext> dbFactory, AuthenticationStateProvider auth)
{
    public event Action? Changed;

    public IReadOnlyList<ProjectSummary> Projects { get; private set; } = [];

    public ProjectSummary? Current { get; private set; }

    public async Task<IReadOnlyList<ProjectSummary>> ProjectsAsync()
    {
        var user = await UserAsync();
        await using var db = await dbFactory.CreateDbContextAsync();
        var projects = await ProjectAccess.ListAsync(db, user, CancellationToken.None);
        if (!projects.SequenceEqual(Projects))
        {
            Projects = projects;
            // Keep the chosen project while it is still visible; otherwise fall back to the first.
            Current = projects.FirstOrDefault(p => p.Id == Current?.Id) ?? (projects.Count > 0 ? projects[0] : null);
            Changed?.Invoke();
        }
        return Projects;
    }

    public async Task<CurrentUser> UserAsync() => CurrentUser.From((await auth.GetAuthenticationStateAsync()).User);

    public async Task SelectAsync(Guid projectId)
    {
        var project = (await ProjectsAsync()).FirstOrDefault(p => p.Id == projectId);
        if (project is null || project == Current)
            return;
        Current = project;
        Changed?.Invoke();
    }
}
