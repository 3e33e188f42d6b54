using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;

namespace ZfsPortal.Features.Projects;

/// <summary>
/// The project a user works in, for one browser circuit (scoped). The app bar switches it; pages
/// read it and re-render on <see cref="Changed"/>.
/// </summary>
public sealed class ProjectSelection(IDbContextFactory<PortalDbContext> dbFactory, AuthenticationStateProvider auth)
{
    private List<ProjectSummary>? _projects;

    public event Action? Changed;

    public ProjectSummary? Current { get; private set; }

    public async Task<IReadOnlyList<ProjectSummary>> ProjectsAsync()
    {
        if (_projects is null)
        {
            var user = await UserAsync();
            await using var db = await dbFactory.CreateDbContextAsync();
            _projects = await ProjectAccess.ListAsync(db, user, CancellationToken.None);
            Current ??= _projects.Count > 0 ? _projects[0] : null;
        }
        return _projects;
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
