using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

/// <summary>Steps both seed walk-throughs take on the share page (the exportfs host's and the Ganesha host's).</summary>
internal static class WalkThroughSteps
{
    /// <summary>Per state change: generous on a busy 2-core machine, but bounded.</summary>
    public const float StateTimeoutMs = 30_000;

    /// <summary>Opens Extend or Shrink, enters the size and submits; the dialog closes once the request is accepted.</summary>
    public static async Task ResizeAsync(BrowserSession s, string button, string size)
    {
        await Expect(s.Page.Locator($"[data-testid={button}]")).ToBeEnabledAsync(new() { Timeout = StateTimeoutMs });
        await s.ClickPastSnackbarsAsync(s.Page.Locator($"[data-testid={button}]"));
        await Expect(s.Dialog).ToHaveCountAsync(1);
        await s.Dialog.Locator("#resize-size").FillAsync(size);
        await s.Dialog.Locator("[data-testid=dialog-submit]").ClickAsync();
        await Expect(s.Dialog).ToHaveCountAsync(0);
    }

    /// <summary>Deletes the share whose page is open and waits until the page says it is gone.</summary>
    public static async Task DeleteShownShareAsync(BrowserSession s)
    {
        await Expect(s.Page.Locator("[data-testid=share-delete]")).ToBeEnabledAsync();
        await s.ClickPastSnackbarsAsync(s.Page.Locator("[data-testid=share-delete]"));
        await s.AnswerDialogAsync("Delete");
        await Expect(s.Page.Locator("[data-testid=share-deleted]")).ToBeVisibleAsync(new() { Timeout = StateTimeoutMs });
    }

    public static Guid ShareIdOf(string url) => Guid.Parse(BrowserSession.SharePageUrl().Match(url).Groups[1].Value);

    public static Regex Exactly(string text) => new($@"^\s*{Regex.Escape(text)}\s*$");
}
