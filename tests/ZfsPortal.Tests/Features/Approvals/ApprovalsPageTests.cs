using System.Globalization;
using Bunit;
using ZfsPortal.Data;
using ZfsPortal.Features.Approvals;

namespace ZfsPortal.Tests.Features.Approvals;

public sealed class ApprovalsPageTests : PortalPageTestContext
{
    private readonly ShareType _gold;

    public ApprovalsPageTests() => _gold = World.AddShareType("gold", t => t.Approval = ApprovalPolicy.Always);

    private async Task<Guid> RequestAsync(int size = 4)
    {
        var (project, member) = World.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Gigabytes = 10, Shares = QuotaLimits.Unlimited });
        var result = await World.RequestShareAsync(member, project, "big", size.ToString(CultureInfo.InvariantCulture), _gold.Id);
        Assert.True(result.Succeeded, result.Error);
        return result.Id!.Value;
    }

    [Fact]
    public void With_nothing_waiting_the_page_says_so()
    {
        var (page, _) = RenderPage<ApprovalsPage>();

        page.WaitForAssertion(() => Assert.Contains("No share requests are waiting.", page.Find("[data-testid=approvals-empty]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_waiting_request_shows_who_asked_its_size_and_the_projects_quota_after_approval()
    {
        var shareId = await RequestAsync(size: 4);

        var (page, _) = RenderPage<ApprovalsPage>();

        var cell = page.WaitForElement("[data-testid=approval-row]");
        var row = cell.ParentElement!;
        Assert.Equal(shareId.ToString(), cell.GetAttribute("data-share-id"));
        Assert.Equal("alpha-user@example.test", row.QuerySelector("[data-testid=approval-requester]")!.TextContent.Trim());
        Assert.Equal("alpha", row.QuerySelector("[data-testid=approval-project]")!.TextContent.Trim());
        Assert.Equal("big", row.QuerySelector("[data-testid=approval-share]")!.TextContent.Trim());
        Assert.Equal("4 GiB", row.QuerySelector("[data-testid=approval-size]")!.TextContent.Trim());
        Assert.Contains("gold", row.TextContent, StringComparison.Ordinal);
        Assert.Equal("gigabytes 4 of 10", row.QuerySelector("[data-testid=approval-quota-gigabytes]")!.TextContent.Trim());
        Assert.Equal("shares 1 of ∞", row.QuerySelector("[data-testid=approval-quota-shares]")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_request_made_while_the_page_is_open_appears_without_a_reload()
    {
        var (page, _) = RenderPage<ApprovalsPage>();
        page.WaitForElement("[data-testid=approvals-empty]");

        await RequestAsync();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=approval-row]")));
    }

    [Fact]
    public async Task Approve_moves_the_request_to_creating_and_queues_its_job()
    {
        var shareId = await RequestAsync();
        var (page, _) = RenderPage<ApprovalsPage>();

        page.WaitForElement("[data-testid=approval-approve]").Click();

        page.WaitForAssertion(() => Assert.Equal(ShareStatus.Creating, World.Share(shareId).Status));
        Assert.Single(World.Scheduler.Enqueued);
        page.WaitForElement("[data-testid=approvals-empty]");
    }

    [Fact]
    public async Task Reject_without_a_reason_shows_the_error_at_the_reason_field_and_changes_nothing()
    {
        var shareId = await RequestAsync();
        var (page, dialogs) = RenderPage<ApprovalsPage>();

        page.WaitForElement("[data-testid=approval-reject]").Click();
        dialogs.WaitForElement("#reject-reason");
        dialogs.Find("form").Submit();

        dialogs.WaitForAssertion(() => Assert.Contains("Give a reason", FieldText(dialogs, "reject-reason"), StringComparison.Ordinal));
        Assert.Equal(ShareStatus.AwaitingApproval, World.Share(shareId).Status);
        Assert.Empty(World.Scheduler.Enqueued);
    }

    [Fact]
    public async Task Reject_with_a_reason_ends_in_rejected_with_the_reason_for_the_requester()
    {
        var shareId = await RequestAsync();
        var (page, dialogs) = RenderPage<ApprovalsPage>();

        page.WaitForElement("[data-testid=approval-reject]").Click();
        dialogs.WaitForElement("#reject-reason").Input("Use the archive tier for this.");
        dialogs.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Equal(ShareStatus.Rejected, World.Share(shareId).Status));
        Assert.Equal("Rejected by an admin: Use the archive tier for this.", World.Share(shareId).StatusMessage);
        page.WaitForElement("[data-testid=approvals-empty]");
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll("#reject-reason")));
    }

    [Fact]
    public async Task An_access_rule_waiting_for_approval_is_listed_and_approved_after_a_second_look()
    {
        World.SetExportPolicy(ExportPolicy.Default with { WiderNeedsApproval = true });
        var (share, member, _) = await World.AvailableShareAsync();
        Assert.True((await World.Access.AllowAsync(member, share.Id, "10.0.0.0/8", "rw")).Succeeded);
        var (page, dialogs) = RenderPage<ApprovalsPage>();

        Assert.Contains("10.0.0.0/8 (rw, root_squash)", page.WaitForElement("[data-testid=access-approval-target]").TextContent, StringComparison.Ordinal);
        page.Find("[data-testid=access-approval-approve]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains("waits for an admin's approval", dialogs.Find(".mud-dialog").TextContent, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Approve").Click();

        page.WaitForAssertion(() => Assert.Equal(AccessRuleState.QueuedToApply, World.RulesOf(share.Id).Single().State));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=access-approval-row]")));
    }
}
