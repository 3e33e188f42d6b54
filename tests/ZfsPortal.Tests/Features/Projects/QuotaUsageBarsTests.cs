using Bunit;
using ZfsPortal.Data;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Quotas;

namespace ZfsPortal.Tests.Features.Projects;

public sealed class QuotaUsageBarsTests : MudTestContext
{
    public QuotaUsageBarsTests() => Interactive();

    private IRenderedComponent<QuotaUsageBars> RenderBars(QuotaLimits limits, QuotaUsage usage) =>
        Render<QuotaUsageBars>(ps => ps.Add(p => p.Limits, limits).Add(p => p.Usage, usage));

    private static string Text(AngleSharp.Dom.IElement bar) => bar.QuerySelector("[data-testid=quota-text]")!.TextContent.Trim();

    [Fact]
    public void In_use_and_reserved_are_drawn_apart_and_measured_against_the_limit()
    {
        var cut = RenderBars(QuotaLimits.Defaults with { Gigabytes = 20 }, new QuotaUsage(3, 1, GigabytesInUse: 12, GigabytesReserved: 5));

        var bar = cut.Find("[data-quota=gigabytes]");
        Assert.Equal("12 GiB in use, 5 reserved, of 20", Text(bar));
        Assert.Contains("width:60%", bar.QuerySelector("[data-testid=quota-in-use]")!.GetAttribute("style"), StringComparison.Ordinal);
        Assert.Contains("width:25%", bar.QuerySelector("[data-testid=quota-reserved]")!.GetAttribute("style"), StringComparison.Ordinal);
        Assert.Equal("false", bar.GetAttribute("data-over"));
        Assert.Empty(cut.FindAll("[data-testid=quota-over-limit]"));
    }

    [Fact]
    public void An_unlimited_quota_says_unlimited_and_is_never_over()
    {
        var limits = new QuotaLimits { Shares = -1, Gigabytes = -1, Snapshots = -1, SnapshotGigabytes = -1, PerShareGigabytes = -1 };

        var cut = RenderBars(limits, new QuotaUsage(400, 2, 90_000, 10));

        Assert.Equal("400 in use, 2 reserved, unlimited", Text(cut.Find("[data-quota=shares]")));
        Assert.Equal("90000 GiB in use, 10 reserved, unlimited", Text(cut.Find("[data-quota=gigabytes]")));
        Assert.Equal("0 in use, unlimited", Text(cut.Find("[data-quota=snapshots]")));
        Assert.Empty(cut.FindAll("[data-testid=quota-over-limit]"));
        Assert.Empty(cut.FindAll("[data-testid=quota-limit-mark]"));
        Assert.Contains("No limit", cut.Find("[data-testid=quota-per-share]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Use_above_a_lowered_limit_is_marked_over_the_limit_with_the_limit_drawn_inside_the_bar()
    {
        var cut = RenderBars(QuotaLimits.Defaults with { Gigabytes = 10 }, new QuotaUsage(2, 0, GigabytesInUse: 15, GigabytesReserved: 0));

        var bar = cut.Find("[data-quota=gigabytes]");
        Assert.Equal("true", bar.GetAttribute("data-over"));
        Assert.NotNull(bar.QuerySelector("[data-testid=quota-over-limit]"));
        Assert.Equal("15 GiB in use, of 10 (5 over)", Text(bar));
        Assert.Contains("left:66.67%", bar.QuerySelector("[data-testid=quota-limit-mark]")!.GetAttribute("style"), StringComparison.Ordinal);
        Assert.Equal("false", cut.Find("[data-quota=shares]").GetAttribute("data-over"));
    }
}
