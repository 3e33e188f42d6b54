using Microsoft.Playwright;
using Xunit.Abstractions;
namespace ZfsPortal.E2E;

[Collection(PortalGroup.Name)]
public sealed class ScratchRace(PortalFixture portal, ITestOutputHelper output)
{
    [Fact]
    public async Task Race()
    {
        for (var i = 0; i < 8; i++)
        {
            await using var s = await portal.NewSessionAsync("race");
            var page = s.Page;
            var delay = (i % 4) * 500;
            await page.RouteAsync("**/_blazor/negotiate**", async r => { await Task.Delay(delay); await r.ContinueAsync(); });
            await s.SignInAsTenantAsync();
            var html0 = await page.Locator("[data-testid=project-switcher]").EvaluateAsync<string>("e => e.outerHTML.substring(0, 600)");
            if (i == 0) output.WriteLine("switcher prerendered: " + html0);
            await Task.Delay(i < 4 ? 0 : 300);
            await page.Locator(".mud-main-content").GetByRole(AriaRole.Link, new() { Name = "New share" }).First.ClickAsync();
            await Task.Delay(4000);
            var h1 = await page.Locator("h1").First.InnerTextAsync();
            var disabled = await page.Locator("#share-name").CountAsync() > 0 ? await page.Locator("#share-name").IsDisabledAsync() : (bool?)null;
            output.WriteLine($"{i} (negotiate delay {delay}): url={page.Url} h1={h1} share-name disabled={disabled} loads={s.Loads} {s.DescribeProblems()}");
        }
    }
}
