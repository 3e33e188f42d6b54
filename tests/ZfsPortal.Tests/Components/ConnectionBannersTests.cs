using Bunit;
using ZfsPortal.Components;

namespace ZfsPortal.Tests.Components;

/// <summary>The ids and classes blazor.web.js looks for: without them Blazor falls back to its own unstyled UI, or none.</summary>
public sealed class ConnectionBannersTests : MudTestContext
{
    [Fact]
    public void The_reconnect_dialog_has_what_Blazor_and_reconnect_js_drive()
    {
        var banners = Render<ConnectionBanners>();

        var dialog = banners.Find("dialog#components-reconnect-modal");
        Assert.NotNull(dialog.QuerySelector("#components-seconds-to-next-attempt"));
        Assert.NotNull(dialog.QuerySelector("button#components-reconnect-button"));
        Assert.NotNull(dialog.QuerySelector("button#components-resume-button"));
        Assert.Equal("Reload", dialog.QuerySelector("button[data-reload]")!.TextContent.Trim());
        foreach (var state in new[] { "first-attempt", "repeated-attempt", "failed", "rejected" })
            Assert.NotNull(dialog.QuerySelector($".components-reconnect-{state}-visible"));
    }

    [Fact]
    public void The_error_bar_says_what_to_do_and_offers_reload()
    {
        var banners = Render<ConnectionBanners>();

        var bar = banners.Find("#blazor-error-ui");
        Assert.Contains("Reload it", bar.TextContent, StringComparison.Ordinal);
        Assert.Equal("Reload", bar.QuerySelector("a.reload")!.TextContent.Trim());
        Assert.NotNull(bar.QuerySelector("a.dismiss"));
    }
}
