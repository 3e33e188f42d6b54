using Bunit;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Tests.Features.Projects;

public sealed class ProjectAdminPageTests : PortalPageTestContext
{
    private IRenderedComponent<ProjectAdminPage> RenderProject(Guid id)
    {
        var (page, _) = RenderPage<ProjectAdminPage>(ps => ps.Add(p => p.Id, id));
        page.WaitForElement("#quota-shares");
        return page;
    }

    private QuotaLimits QuotasOf(Guid projectId)
    {
        using var db = World.Db.CreateDbContext();
        return db.Projects.AsNoTracking().Single(p => p.Id == projectId).Quotas;
    }

    [Fact]
    public void Text_and_negative_quotas_show_their_message_at_their_own_field_and_save_nothing()
    {
        var (project, _) = World.AddProjectWithMember("alpha");
        var page = RenderProject(project.Id);

        page.Find("#quota-shares").Input("abc");
        page.Find("#quota-gigabytes").Input("-5");
        page.Find("[data-testid=quota-form]").Submit();

        page.WaitForAssertion(() => Assert.Contains("'abc' is not allowed", FieldText(page, "quota-shares"), StringComparison.Ordinal));
        Assert.Contains("'-5' is not allowed", FieldText(page, "quota-gigabytes"), StringComparison.Ordinal);
        Assert.DoesNotContain("not allowed", FieldText(page, "quota-snapshots"), StringComparison.Ordinal);
        Assert.DoesNotContain("'-5'", FieldText(page, "quota-shares"), StringComparison.Ordinal);
        Assert.Equal(QuotaLimits.Defaults, QuotasOf(project.Id));
        Assert.Empty(page.FindAll("[data-testid=quota-notice]"));
    }

    [Fact]
    public async Task A_quota_below_current_use_is_saved_and_the_page_warns_that_it_is_below_use()
    {
        var (_, _, project) = await World.AvailableShareAsync(sizeGiB: 5);
        var page = RenderProject(project.Id);

        page.Find("#quota-gigabytes").Input("2");
        page.Find("[data-testid=quota-form]").Submit();

        page.WaitForAssertion(() => Assert.Contains("below current use", page.Find("[data-testid=quota-notice]").TextContent, StringComparison.Ordinal));
        Assert.Equal(2, QuotasOf(project.Id).Gigabytes);
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("[data-testid=usage-panel] [data-quota=gigabytes]").GetAttribute("data-over")));
    }

    [Fact]
    public void A_new_email_becomes_a_member_and_its_first_password_stays_on_screen_until_dismissed()
    {
        var (project, _) = World.AddProjectWithMember("alpha");
        var page = RenderProject(project.Id);

        page.Find("#member-email").Input("carol@example.test");
        page.Find("#member-email").Closest("form")!.Submit();

        var notice = page.WaitForElement("[data-testid=member-notice]");
        Assert.Contains("Its first password is Zp7-", notice.TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=member-row]").Count));
        page.Find("[data-testid=member-notice] button").Click();
        Assert.Empty(page.FindAll("[data-testid=member-notice]"));
    }

    [Fact]
    public void Removing_a_member_asks_first_and_then_removes_them()
    {
        var (project, _) = World.AddProjectWithMember("alpha");
        var (page, dialogs) = RenderPage<ProjectAdminPage>(ps => ps.Add(p => p.Id, project.Id));

        page.WaitForElement("[data-testid=member-remove]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("alpha-user@example.test will no longer see", dialogs.Markup, StringComparison.Ordinal));
        Assert.Single(page.FindAll("[data-testid=member-row]"));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Remove").Click();

        page.WaitForElement("[data-testid=members-empty]");
    }

    [Fact]
    public void A_projects_export_policy_narrows_once_switched_on_and_saved()
    {
        var (project, _) = World.AddProjectWithMember("alpha");
        var page = RenderProject(project.Id);
        Assert.Empty(page.FindAll("#project-export-networks"));

        page.Find("[data-testid=project-export-narrows]").Change(true);
        page.WaitForElement("#project-export-networks").Input("198.51.100.0/24");
        page.Find("[data-testid=project-export-form]").Submit();

        page.WaitForAssertion(() => Assert.Equal(["198.51.100.0/24"], PolicyOf(project.Id)?.AllowedNetworks));
    }

    [Fact]
    public void A_bad_prefix_in_the_projects_policy_is_shown_at_its_field_and_saves_nothing()
    {
        var (project, _) = World.AddProjectWithMember("alpha");
        var page = RenderProject(project.Id);

        page.Find("[data-testid=project-export-narrows]").Change(true);
        page.WaitForElement("#project-export-ipv6").Input("200");
        page.Find("[data-testid=project-export-form]").Submit();

        page.WaitForAssertion(() => Assert.Contains("'200' is not a prefix length", FieldText(page, "project-export-ipv6"), StringComparison.Ordinal));
        Assert.Null(PolicyOf(project.Id));
    }

    private ExportPolicy? PolicyOf(Guid projectId)
    {
        using var db = World.Db.CreateDbContext();
        return db.Projects.AsNoTracking().Single(p => p.Id == projectId).ExportPolicy;
    }
}
