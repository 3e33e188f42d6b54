using Bunit;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares;

namespace ZfsPortal.Tests.Features.Shares;

public sealed class ShareListTests : MudTestContext
{
    public ShareListTests() => Interactive();

    [Fact]
    public void An_empty_project_shows_what_to_do_instead_of_an_empty_table()
    {
        var cut = Render<ShareList>(ps => ps.Add(p => p.Rows, []));

        Assert.Contains("No shares yet", cut.Find("[data-testid=shares-empty]").TextContent, StringComparison.Ordinal);
        Assert.Equal("/shares/new", cut.Find("[data-testid=shares-empty] a").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=share-list]"));
    }

    [Fact]
    public void Each_share_shows_its_name_link_size_manila_state_and_export_location()
    {
        var available = new ShareRow(Guid.NewGuid(), "zfsvol", "demo", 5, ShareStatus.Available, "192.0.2.4:/trank/x", DateTime.UtcNow);
        var creating = new ShareRow(Guid.NewGuid(), "scratch", "demo", 1, ShareStatus.Creating, null, DateTime.UtcNow);

        var cut = Render<ShareList>(ps => ps.Add(p => p.Rows, [available, creating]));

        var rows = cut.FindAll("[data-testid=share-list] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Equal($"/shares/{available.Id}", rows[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains("5 GiB", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("available", rows[0].QuerySelector("[data-testid=share-status]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("192.0.2.4:/trank/x", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("creating", rows[1].QuerySelector("[data-testid=share-status]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("—", rows[1].TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ShareStatus.AwaitingApproval, "awaiting_approval")]
    [InlineData(ShareStatus.ErrorDeleting, "error_deleting")]
    [InlineData(ShareStatus.CreatingFromSnapshot, "creating_from_snapshot")]
    public void States_use_the_names_operators_know_from_manila(ShareStatus status, string shown)
    {
        var cut = Render<ShareStatusChip>(ps => ps.Add(p => p.Status, status));

        Assert.Equal(shown, cut.Find("[data-testid=share-status]").TextContent.Trim());
    }
}
