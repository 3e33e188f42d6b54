using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Tests.Features.Projects;

public sealed class ProjectUsagePageTests : PortalPageTestContext
{
    [Fact]
    public async Task A_member_sees_the_current_projects_bars_and_they_follow_a_project_switch_and_new_requests()
    {
        var (alpha, member) = World.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Gigabytes = 10 });
        var (beta, _) = World.AddProjectWithMember("beta", QuotaLimits.Defaults with { Gigabytes = 30 });
        using (var db = World.Db.CreateDbContext())
        {
            db.ProjectMembers.Add(new ProjectMember { ProjectId = beta.Id, UserId = member.UserId });
            db.SaveChanges();
        }
        SignIn(member);
        var (page, _) = RenderPage<ProjectUsagePage>();
        string Gigabytes() => page.Find("[data-quota=gigabytes] [data-testid=quota-text]").TextContent.Trim();

        page.WaitForAssertion(() => Assert.Equal("0 GiB in use, of 10", Gigabytes()));

        await World.RequestShareAsync(member, alpha, "scratch", "4");
        page.WaitForAssertion(() => Assert.Equal("0 GiB in use, 4 reserved, of 10", Gigabytes()));

        await page.InvokeAsync(() => Services.GetRequiredService<ProjectSelection>().SelectAsync(beta.Id));
        page.WaitForAssertion(() => Assert.Equal("0 GiB in use, of 30", Gigabytes()));
        Assert.Contains("beta", page.Find("[data-testid=usage-project]").TextContent, StringComparison.Ordinal);
    }
}
