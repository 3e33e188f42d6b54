using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

[Collection(PortalGroup.Name)]
public sealed class StaticAssetTests(PortalFixture portal)
{
    private const string Transparent = "rgba(0, 0, 0, 0)";

    [Fact]
    public Task Styles_and_scripts_load_without_errors() =>
        portal.RunInBrowserAsync(nameof(Styles_and_scripts_load_without_errors), async s =>
        {
            var page = s.Page;

            // The sign-in page (static rendering) is styled by MudBlazor and portal.css.
            await page.GotoAsync("/account/login");
            await Expect(page.Locator(".login-page")).ToHaveCSSAsync("display", "flex");
            await Expect(page.Locator(".login-card")).ToHaveCSSAsync("max-width", "420px");
            Assert.NotEqual(Transparent, await page.Locator(".mud-button-filled-primary").EvaluateAsync<string>(
                "e => getComputedStyle(e).backgroundColor"));

            await s.SignInAsTenantAsync();
            await s.WaitForInteractiveAsync();
            // The form controls are enabled only once the circuit is live: blazor.web.js and MudBlazor's JS ran.
            await s.OpenNewShareFormAsync();

            var appBar = page.Locator(".mud-appbar");
            await Expect(appBar).ToBeVisibleAsync();
            var background = await appBar.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
            Assert.NotEqual(Transparent, background);
            Assert.NotEqual("rgb(255, 255, 255)", background);
            await Expect(appBar).ToHaveCSSAsync("position", "fixed");
            // MudBlazor's theme provider wrote its CSS variables.
            Assert.False(string.IsNullOrWhiteSpace(await page.EvaluateAsync<string>(
                "() => getComputedStyle(document.documentElement).getPropertyValue('--mud-palette-primary')")));

            var responses = s.Responses.ToArray();
            AssertLoaded(responses, @"/_content/MudBlazor/MudBlazor\.min(\.[a-z0-9]+)?\.css");
            AssertLoaded(responses, @"/_content/MudBlazor/MudBlazor\.min(\.[a-z0-9]+)?\.js");
            AssertLoaded(responses, @"/_framework/blazor\.web(\.[a-z0-9]+)?\.js");
            AssertLoaded(responses, @"/css/portal(\.[a-z0-9]+)?\.css");
            AssertLoaded(responses, @"/js/portal(\.[a-z0-9]+)?\.js");

            // Let late requests (favicon, circuit start) settle before judging.
            await page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);
            Assert.True(s.ConsoleErrors.IsEmpty, "Console errors: " + string.Join(" | ", s.ConsoleErrors));
            Assert.True(s.PageErrors.IsEmpty, "Page errors: " + string.Join(" | ", s.PageErrors));
            Assert.True(s.FailedRequests.IsEmpty, "Failed requests to the portal: " + string.Join(" | ", s.FailedRequests));
        });

    private static void AssertLoaded((string Url, int Status)[] responses, string pathPattern)
    {
        var regex = new Regex(pathPattern + @"(\?.*)?$");
        var hits = responses.Where(r => regex.IsMatch(new Uri(r.Url).PathAndQuery)).ToArray();
        Assert.True(hits.Length > 0, $"No request matched {pathPattern}; requests: {string.Join(", ", responses.Select(r => r.Url))}");
        Assert.All(hits, h => Assert.True(h.Status is 200 or 304, $"{h.Url} answered HTTP {h.Status}"));
    }
}
