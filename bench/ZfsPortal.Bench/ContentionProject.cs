using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;

namespace ZfsPortal.Bench;

internal static class ContentionProject
{
    /// <summary>A new project with a shares quota, and N tenants who are members of it only (so it is their current project).</summary>
    public static async Task<(Guid ProjectId, IReadOnlyList<string> Emails)> CreateAsync(BenchPortal portal, RunIds run, string name, int tenants, int quotaShares, CancellationToken ct, string? alsoMember = null)
    {
        var project = new Project { Name = $"{name}-{run.Id}", Description = "bench: contention" };
        project.Quotas = project.Quotas with
        {
            Shares = quotaShares, Gigabytes = QuotaLimits.Unlimited, PerShareGigabytes = QuotaLimits.Unlimited,
        };
        var emails = new List<string>();
        using var scope = portal.Get<IServiceProvider>().CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await using var db = await portal.Db.CreateDbContextAsync(ct);
        db.Projects.Add(project);
        for (var i = 0; i < tenants; i++)
        {
            var email = Fmt.Inv($"{name}-{i:D2}-{run.Id}@bench.test");
            var user = await users.FindByEmailAsync(email);
            if (user is null)
            {
                user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = email };
                Must(await users.CreateAsync(user, BenchPortal.Password));
                Must(await users.AddToRoleAsync(user, Roles.Tenant));
            }
            db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = user.Id });
            emails.Add(email);
        }
        if (alsoMember is not null)
            db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = alsoMember });
        await db.SaveChangesAsync(ct);
        return (project.Id, emails);
    }

    private static void Must(IdentityResult r)
    {
        if (!r.Succeeded)
            throw new InvalidOperationException(string.Join("; ", r.Errors.Select(e => e.Description)));
    }
}
