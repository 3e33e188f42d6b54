using Bunit;
using ZfsPortal.Features.Drift;

namespace ZfsPortal.Tests.Features.Drift;

/// <summary>The Drift page unmanages any share of a backend, also one with no finding: named, confirmed, forgotten; the dataset stays.</summary>
public sealed class UnmanageSharePanelTests : PortalPageTestContext
{
    [Fact]
    public async Task An_admin_names_a_share_confirms_and_the_portal_forgets_it_while_the_host_keeps_its_dataset()
    {
        var (share, _, project) = await World.AvailableShareAsync("kept");
        var (page, dialogs) = RenderPage<DriftPage>();
        page.WaitForElement("[data-testid=unmanage-share]");

        page.Find("[data-testid=unmanage-share] input").Input("nosuch");
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=unmanage-share-submit]").HasAttribute("disabled")));
        page.Find("[data-testid=unmanage-share-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains("No share on backend", page.Find("[data-testid=unmanage-share]").TextContent, StringComparison.Ordinal));
        Assert.Empty(dialogs.FindAll(".mud-dialog"));

        page.Find("[data-testid=unmanage-share] input").Input($"{project.Name}/kept");
        page.Find("[data-testid=unmanage-share-submit]").Click();
        dialogs.WaitForAssertion(() => Assert.Contains($"Dataset {share.Dataset}, its data and its exports stay on the host",
            dialogs.Find(".mud-dialog").TextContent, StringComparison.Ordinal));
        Assert.True(World.ShareExists(share.Id)); // nothing happens before the admin confirms
        dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Unmanage").Click();

        page.WaitForAssertion(() => Assert.False(World.ShareExists(share.Id)));
        Assert.True(World.Fake.Exists(share.Dataset!));
    }
}
