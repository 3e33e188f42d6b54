using System.Globalization;
using Bunit;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Shares;

namespace ZfsPortal.Tests.Features.Shares;

/// <summary>The share page when its share disappears: deleted from the page, or by someone else while it is open.</summary>
public sealed class SharePageTests : PortalPageTestContext
{
    /// <summary>A share in <paramref name="status"/>, as a tenant's request gets there.</summary>
    private async Task<(Guid Id, CurrentUser Member)> ShareInAsync(ShareStatus status)
    {
        if (status == ShareStatus.Error)
            World.Fake.AddPool(World.Backend.Pools[0], sizeBytes: 1L << 30); // "No storage pool can take a 5 GiB share"
        var type = status is ShareStatus.AwaitingApproval or ShareStatus.Rejected
            ? World.AddShareType("gold", t => t.Approval = ApprovalPolicy.Always).Id : World.DefaultType.Id;
        var (project, member) = World.AddProjectWithMember("alpha");
        var result = await World.RequestShareAsync(member, project, "vanishing", 5.ToString(CultureInfo.InvariantCulture), type);
        Assert.True(result.Succeeded, result.Error);
        var id = result.Id!.Value;
        if (status == ShareStatus.Rejected)
            Assert.True((await World.Approvals.RejectAsync(World.Admin, id, "Use the archive tier.")).Succeeded);
        await World.RunQueuedJobsAsync();
        Assert.Equal(status, World.Share(id).Status);
        return (id, member);
    }

    private (IRenderedComponent<SharePage> Page, IRenderedComponent<MudBlazor.MudDialogProvider> Dialogs) Open(Guid id)
    {
        var (page, dialogs) = RenderPage<SharePage>(ps => ps.Add(p => p.Id, id));
        page.WaitForElement("[data-testid=share-name]");
        return (page, dialogs);
    }

    private static void SaysTheShareIsGone(IRenderedComponent<SharePage> page) => page.WaitForAssertion(() =>
    {
        Assert.Contains("deleted", page.Find("[data-testid=share-deleted]").TextContent, StringComparison.Ordinal);
        Assert.Contains(page.FindAll("a"), a => a.GetAttribute("href") == "/shares" && a.TextContent.Contains("Back to", StringComparison.Ordinal));
    });

    [Theory]
    [InlineData(ShareStatus.Error)]
    [InlineData(ShareStatus.AwaitingApproval)]
    [InlineData(ShareStatus.Rejected)]
    public async Task Deleting_a_share_that_never_reached_a_host_says_it_is_gone_and_offers_the_list(ShareStatus status)
    {
        var (id, _) = await ShareInAsync(status);
        var (page, dialogs) = Open(id);

        page.Find("[data-testid=share-delete]").Click();
        dialogs.WaitForElement(".mud-dialog button:last-child");
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click();

        SaysTheShareIsGone(page);
        dialogs.WaitForAssertion(() => Assert.Empty(dialogs.FindAll(".mud-dialog")));
        Assert.False(World.ShareExists(id));
    }

    [Theory]
    [InlineData(ShareStatus.Error)]
    [InlineData(ShareStatus.AwaitingApproval)]
    [InlineData(ShareStatus.Rejected)]
    [InlineData(ShareStatus.Available)]
    public async Task A_share_deleted_elsewhere_while_its_page_is_open_is_shown_as_gone(ShareStatus status)
    {
        var (id, member) = await ShareInAsync(status);
        var (page, _) = Open(id);

        Assert.True((await World.DeleteShares.DeleteAsync(member, id)).Succeeded);
        await World.RunQueuedJobsAsync();

        SaysTheShareIsGone(page);
    }

    [Fact]
    public async Task A_delete_confirmed_after_someone_else_deleted_the_share_says_so_and_the_page_lives_on()
    {
        var (id, member) = await ShareInAsync(ShareStatus.Error);
        var (page, dialogs) = Open(id);
        page.Find("[data-testid=share-delete]").Click();
        dialogs.WaitForElement(".mud-dialog");

        Assert.True((await World.DeleteShares.DeleteAsync(member, id)).Succeeded);
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click();

        SaysTheShareIsGone(page);
    }
}
