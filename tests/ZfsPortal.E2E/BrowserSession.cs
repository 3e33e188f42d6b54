using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

/// <summary>
/// One browser context and page, recording what went wrong in the browser (console errors, page errors,
/// failed requests and error responses from the portal's own origin) so that tests can assert on it and
/// failures can show it.
/// </summary>
public sealed partial class BrowserSession : IAsyncDisposable
{
    private readonly string _testName;
    private readonly string _origin;

    public BrowserSession(PortalFixture fixture, string testName, IBrowserContext context, IPage page)
    {
        _testName = testName;
        _origin = fixture.BaseAddress.GetLeftPart(UriPartial.Authority);
        Context = context;
        Page = page;
        page.Console += (_, msg) =>
        {
            if (msg.Type == "error")
                ConsoleErrors.Add($"{msg.Text} ({msg.Location})");
        };
        page.PageError += (_, error) => PageErrors.Add(error);
        page.RequestFailed += (_, request) =>
        {
            if (!IsPortal(request.Url))
                return;
            // The browser cancels requests itself when a navigation replaces the page (net::ERR_ABORTED): not a portal failure.
            if (request.Failure?.Contains("ERR_ABORTED", StringComparison.Ordinal) == true)
                AbortedRequests.Add($"{request.Method} {request.Url}");
            else
                FailedRequests.Add($"{request.Method} {request.Url}: {request.Failure}");
        };
        page.Response += (_, response) =>
        {
            if (!IsPortal(response.Url))
                return;
            Responses.Enqueue((response.Url, response.Status));
            if (response.Status >= 400)
                FailedRequests.Add($"{response.Request.Method} {response.Url}: HTTP {response.Status}");
        };
        page.Load += (_, _) => Interlocked.Increment(ref _loads);
    }

    private int _loads;

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public ConcurrentBag<string> ConsoleErrors { get; } = [];
    public ConcurrentBag<string> PageErrors { get; } = [];
    public ConcurrentBag<string> FailedRequests { get; } = [];
    public ConcurrentBag<string> AbortedRequests { get; } = [];
    public ConcurrentQueue<(string Url, int Status)> Responses { get; } = new();

    /// <summary>How many full page loads (load events) this page has seen; client-side navigation adds none.</summary>
    public int Loads => Volatile.Read(ref _loads);

    private bool IsPortal(string url) => url.StartsWith(_origin, StringComparison.OrdinalIgnoreCase);

    public string DescribeProblems() =>
        $"console errors: [{string.Join(" | ", ConsoleErrors)}]; page errors: [{string.Join(" | ", PageErrors)}]; " +
        $"failed requests: [{string.Join(" | ", FailedRequests)}]; aborted by the browser: [{string.Join(" | ", AbortedRequests)}]";

    /// <summary>Signs in through the plain HTML form and waits for the redirect to /shares.</summary>
    public async Task SignInAsync(string email, string password)
    {
        await Page.GotoAsync("/account/login");
        await Page.Locator("#email").FillAsync(email);
        await Page.Locator("#password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(SharesListUrl());
    }

    public Task SignInAsTenantAsync() => SignInAsync(PortalFixture.TenantEmail, PortalFixture.TenantPassword);

    /// <summary>
    /// Opens /shares/new and waits until the form is live: the app keeps its controls disabled until the
    /// Blazor circuit is connected, because a click on the prerendered page would be lost.
    /// </summary>
    public async Task OpenNewShareFormAsync()
    {
        await Page.GotoAsync("/shares/new");
        await WaitForNewShareFormAsync();
    }

    public async Task WaitForNewShareFormAsync()
    {
        await Expect(Page).ToHaveURLAsync(NewShareUrl());
        await Expect(Page.Locator("#share-name")).ToBeEnabledAsync(new() { Timeout = InteractiveTimeoutMs });
        await Expect(Page.Locator("#share-size")).ToBeEnabledAsync();
        await Expect(Page.Locator("[data-testid=create-share-submit]")).ToBeEnabledAsync();
    }

    /// <summary>
    /// Waits until the portal page is live over its Blazor circuit: the layout root says
    /// <c>data-interactive="true"</c> only once it renders interactively (the prerendered page says "false").
    /// </summary>
    public async Task WaitForInteractiveAsync() =>
        await Expect(Page.Locator("[data-interactive]").First).ToHaveAttributeAsync("data-interactive", "true",
            new() { Timeout = InteractiveTimeoutMs });

    /// <summary>The one open MudBlazor dialog (form dialogs and message boxes alike).</summary>
    public ILocator Dialog => Page.Locator(".mud-dialog");

    /// <summary>
    /// Clicks <paramref name="target"/>, first closing the snackbars that lie over it. MudBlazor shows them top right,
    /// over the share page's Extend, Shrink and Delete buttons, for about five seconds, and a plain click would wait
    /// until they have gone. A closed snackbar fades out only once the pointer has left it (MudBlazor pauses it while
    /// hovered, even when already invisible), so the pointer moves away after closing.
    /// </summary>
    public async Task ClickPastSnackbarsAsync(ILocator target)
    {
        await target.ScrollIntoViewIfNeededAsync();
        if (await target.BoundingBoxAsync() is { } box)
        {
            var closed = false;
            foreach (var snackbar in await Page.Locator(".mud-snackbar").AllAsync())
            {
                try
                {
                    if (await snackbar.BoundingBoxAsync(new() { Timeout = 1_000 }) is not { } s
                        || s.X > box.X + box.Width || box.X > s.X + s.Width || s.Y > box.Y + box.Height || box.Y > s.Y + s.Height)
                        continue;
                    await snackbar.Locator(".mud-snackbar-close-button").ClickAsync(new() { Timeout = 2_000 });
                    closed = true;
                }
                catch (Exception ex) when (ex is TimeoutException or PlaywrightException)
                {
                    // It went by itself meanwhile.
                }
            }
            if (closed)
                await Page.Mouse.MoveAsync(5, 795);
        }
        await target.ClickAsync();
    }

    /// <summary>Clicks <paramref name="buttonText"/> (exactly) in the open dialog and waits until the dialog is gone.</summary>
    public async Task AnswerDialogAsync(string buttonText)
    {
        await Expect(Dialog).ToHaveCountAsync(1);
        await Dialog.GetByRole(AriaRole.Button, new() { Name = buttonText, Exact = true }).ClickAsync();
        await Expect(Dialog).ToHaveCountAsync(0);
    }

    /// <summary>Generous: on a busy 2-core machine the first circuit of a run can take seconds.</summary>
    public const float InteractiveTimeoutMs = 20_000;

    /// <summary>Names of the shares in the /shares list (empty if the page shows "No shares yet").</summary>
    public async Task<IReadOnlyList<string>> ListedShareNamesAsync()
    {
        await Page.GotoAsync("/shares");
        var list = Page.Locator("[data-testid=share-list]");
        var empty = Page.Locator("[data-testid=shares-empty]");
        await Expect(list.Or(empty)).ToBeVisibleAsync();
        if (await empty.IsVisibleAsync())
            return [];
        return [.. (await list.Locator("[data-testid=share-row]").AllInnerTextsAsync()).Select(n => n.Trim())];
    }

    public async Task<string?> ScreenshotAsync(string label)
    {
        try
        {
            Directory.CreateDirectory(PortalFixture.ScreenshotDirectory);
            var stamp = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
            var path = Path.Combine(PortalFixture.ScreenshotDirectory, $"{_testName}-{label}-{stamp}.png");
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
            return path;
        }
        catch (PlaywrightException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    public static Regex SharesListUrl() => SharesListUrlPattern();
    public static Regex NewShareUrl() => NewShareUrlPattern();
    public static Regex SharePageUrl() => SharePageUrlPattern();

    [GeneratedRegex(@"^https?://[^/]+/shares/?(\?.*)?$")]
    private static partial Regex SharesListUrlPattern();

    [GeneratedRegex(@"^https?://[^/]+/shares/new/?(\?.*)?$")]
    private static partial Regex NewShareUrlPattern();

    [GeneratedRegex(@"^https?://[^/]+/shares/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?(\?.*)?$")]
    private static partial Regex SharePageUrlPattern();
}
