using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

/// <summary>What the user sees when the circuit's connection drops, and what an oversized input does to it.</summary>
[Collection(PortalGroup.Name)]
public sealed class ConnectionTests(PortalFixture portal)
{
    // Every attempt to connect again starts with this request: refusing it keeps the connection down.
    private const string Negotiate = "**/_blazor/negotiate**";

    private static ILocator Banner(IPage page) => page.Locator("#components-reconnect-modal");

    /// <summary>
    /// Signed in on the shares list, then the connection is closed from the browser's side (the hook Blazor's own tests
    /// use) and connecting again is refused while <paramref name="refuse"/> holds: the server keeps the circuit, as it
    /// does for a network that went away.
    /// </summary>
    private static async Task DropTheConnectionAsync(BrowserSession s, Func<bool> refuse)
    {
        await s.SignInAsTenantAsync();
        await s.WaitForInteractiveAsync();
        await s.Page.RouteAsync(Negotiate, route => refuse() ? route.AbortAsync() : route.ContinueAsync());
        await s.Page.EvaluateAsync("() => Blazor._internal.forceCloseConnection()");
    }

    [Fact]
    public Task A_dropped_connection_shows_a_banner_with_reload_until_the_connection_is_back() =>
        portal.RunInBrowserAsync(nameof(A_dropped_connection_shows_a_banner_with_reload_until_the_connection_is_back), async s =>
        {
            var down = true;
            await DropTheConnectionAsync(s, () => down);

            await Expect(Banner(s.Page)).ToBeVisibleAsync();
            await Expect(Banner(s.Page)).ToContainTextAsync(new System.Text.RegularExpressions.Regex("lost|not connected"),
                new() { UseInnerText = true });
            await Expect(s.Page.Locator("[data-testid=reconnect-reload]")).ToBeVisibleAsync();

            down = false;
            await Expect(Banner(s.Page)).ToBeHiddenAsync(new() { Timeout = 60_000 });
            await s.WaitForInteractiveAsync();
        });

    [Fact]
    public Task Reload_on_the_banner_loads_the_page_again_on_a_new_circuit() =>
        portal.RunInBrowserAsync(nameof(Reload_on_the_banner_loads_the_page_again_on_a_new_circuit), async s =>
        {
            // The old page never gets back on its own; the reloaded one connects.
            var reloaded = false;
            await DropTheConnectionAsync(s, () => !reloaded);
            await Expect(Banner(s.Page)).ToBeVisibleAsync();
            s.Page.Request += (_, request) => reloaded |= request.ResourceType == "document";
            var loaded = new TaskCompletionSource();
            s.Page.Load += (_, _) => loaded.TrySetResult();

            await s.Page.Locator("[data-testid=reconnect-reload]").ClickAsync();

            await loaded.Task.WaitAsync(TimeSpan.FromSeconds(15));
            await s.WaitForInteractiveAsync();
            await Expect(Banner(s.Page)).ToBeHiddenAsync();
        });

    [Fact]
    public Task A_pasted_megabyte_is_cut_at_the_fields_limit_and_the_circuit_lives_on() =>
        portal.RunInBrowserAsync(nameof(A_pasted_megabyte_is_cut_at_the_fields_limit_and_the_circuit_lives_on), async s =>
        {
            var huge = new string('9', 1_000_000);
            await s.SignInAsTenantAsync();
            await s.WaitForInteractiveAsync();

            var search = s.Page.Locator("#shares-search");
            await search.FillAsync(huge);
            Assert.Equal(ZfsPortal.Features.Common.UserInput.MaxSearchLength, (await search.InputValueAsync()).Length);
            await Expect(s.Page.Locator("[data-testid=shares-none-match]")).ToBeVisibleAsync();

            await s.OpenNewShareFormAsync();
            var size = s.Page.Locator("#share-size");
            await size.FillAsync(huge);
            Assert.Equal(ZfsPortal.Features.Common.UserInput.MaxNumberLength, (await size.InputValueAsync()).Length);
            await s.Page.Locator("#share-name").FillAsync("too-big-" + portal.RunId);
            await s.Page.Locator("[data-testid=create-share-submit]").ClickAsync();

            // The service answers the cut number in a sentence at its field: the circuit is alive and nothing was made.
            await Expect(s.Page.Locator(".mud-input-control", new() { Has = s.Page.Locator("#share-size") }))
                .ToContainTextAsync("far larger than any share type allows");
            await Expect(Banner(s.Page)).ToBeHiddenAsync();
            await Expect(s.Page).ToHaveURLAsync(BrowserSession.NewShareUrl());
        });
}
