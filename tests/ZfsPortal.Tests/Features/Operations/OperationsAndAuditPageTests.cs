using Bunit;
using ZfsPortal.Features.Audit;
using ZfsPortal.Features.Operations;

namespace ZfsPortal.Tests.Features.Operations;

public sealed class OperationsAndAuditPageTests : PortalPageTestContext
{
    [Fact]
    public async Task A_member_sees_their_projects_operations_and_expanding_one_shows_its_host_commands()
    {
        var (share, member, _) = await World.AvailableShareAsync();
        World.AddProjectWithMember("other");
        SignIn(member);

        var (page, _) = RenderPage<OperationsPage>();

        var cell = page.WaitForElement("[data-testid=operation-row]");
        var row = cell.ParentElement!;
        Assert.Single(page.FindAll("[data-testid=operation-row]"));
        Assert.Equal("create_share", row.QuerySelector("[data-testid=operation-kind]")!.TextContent);
        Assert.Equal($"/shares/{share.Id}", row.QuerySelector("[data-testid=operation-share] a")!.GetAttribute("href"));
        Assert.Equal("succeeded", row.QuerySelector("[data-testid=operation-state]")!.TextContent.Trim());

        page.Find("[data-testid=operation-expand]").Click();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=operation-command]")));
        Assert.Contains(page.FindAll("[data-testid=operation-command-line]"), c => c.TextContent.Contains("zfs", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_admin_actions_only_switch_hides_what_tenants_did()
    {
        var (project, member) = World.AddProjectWithMember("alpha");
        await World.RequestShareAsync(member, project, "tenantshare", "1");
        await World.ProjectAdmin.CreateAsync(World.Admin, "beta", null);
        var (page, _) = RenderPage<AuditLogPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=audit-row]").Count));

        page.Find("[data-testid=audit-admins-only]").Change(true);

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=audit-row]")));
        Assert.Equal("project.create", page.Find("[data-testid=audit-action]").TextContent);
    }
}
