using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

/// <summary>Issue 17 point 5: a tenant whose browser speaks English switches the portal to Japanese and creates a share in it.</summary>
[Collection(PortalGroup.Name)]
public sealed class JapaneseUiTests(PortalFixture portal)
{
    private static readonly TimeSpan BecomesAvailableWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public Task Tenant_switches_to_Japanese_in_the_user_menu_and_creates_a_share_in_it() =>
        portal.RunInBrowserAsync(nameof(Tenant_switches_to_Japanese_in_the_user_menu_and_creates_a_share_in_it), async s =>
        {
            var page = s.Page;
            var name = $"e2e-ja-{portal.RunId}";
            await s.SignInAsTenantAsync();
            await s.WaitForInteractiveAsync();
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Shares");

            await page.GetByRole(AriaRole.Button, new() { Name = "User menu" }).ClickAsync();
            await page.Locator("[data-testid=language-ja]").ClickAsync();

            // Back on the list, in Japanese, from the first byte of the page to the live circuit.
            await Expect(page).ToHaveURLAsync(BrowserSession.SharesListUrl());
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
            await Expect(page.Locator("h1")).ToHaveTextAsync("共有");
            await s.WaitForInteractiveAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "ユーザーメニュー" })).ToBeVisibleAsync();

            await page.Locator(".mud-main-content").GetByRole(AriaRole.Link, new() { Name = "新しい共有" }).First.ClickAsync();
            await s.WaitForNewShareFormAsync();
            var form = page.Locator("form").Filter(new() { Has = page.Locator("#share-size") });
            await Expect(page.Locator("h1")).ToHaveTextAsync("新しい共有");
            await Expect(form).ToContainTextAsync("共有タイプ");
            await Expect(form).ToContainTextAsync("GiB 単位の整数");
            await Expect(form.GetByRole(AriaRole.Link, new() { Name = "キャンセル" })).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=create-share-submit]")).ToHaveTextAsync("共有を作成");
            await Expect(form).Not.ToContainTextAsync("Create share");

            await page.Locator("#share-name").FillAsync(name);
            await page.Locator("#share-size").FillAsync("1");
            await page.Locator("[data-testid=create-share-submit]").ClickAsync();

            await Expect(page).ToHaveURLAsync(BrowserSession.SharePageUrl());
            var shareId = Guid.Parse(BrowserSession.SharePageUrl().Match(page.Url).Groups[1].Value);
            portal.TrackDataset(portal.DatasetOf(shareId)); // destroyed at the end of the run

            // Manila's state names stay as they are; the page around them is Japanese.
            await Expect(page.Locator("[data-testid=share-name]")).ToHaveTextAsync(name);
            await Expect(page.Locator("[data-testid=share-status]")).ToHaveTextAsync(new Regex(@"^\s*available\s*$"),
                new() { Timeout = (float)BecomesAvailableWithin.TotalMilliseconds });
            await Expect(page.Locator("[data-testid=share-extend]")).ToHaveTextAsync("拡張");
            await Expect(page.Locator("[data-testid=share-delete]")).ToHaveTextAsync("削除");
            await Expect(page.Locator("[data-testid=operation-progress]")).ToContainTextAsync("共有の作成");
            await Expect(page.Locator("[data-testid=access-panel]")).ToContainTextAsync("NFS アクセス");
            await Expect(page.Locator("[data-testid=share-size]")).ToHaveTextAsync("1 GiB");
            await s.ScreenshotAsync("share-page-ja");

            // Remembered: a new visit of the list is still Japanese.
            await page.GotoAsync("/shares");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
            var row = page.Locator("[data-testid=share-list] tbody tr", new() { HasText = name });
            await Expect(row.Locator("[data-testid=share-status]")).ToHaveTextAsync(new Regex(@"^\s*available\s*$"));
            await Expect(page.Locator("[data-testid=share-list] thead")).ToContainTextAsync("名前");
        });
}
