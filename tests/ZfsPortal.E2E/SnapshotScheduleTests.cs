using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

[Collection(PortalGroup.Name)]
public sealed class SnapshotScheduleTests(PortalFixture portal)
{
    [Fact]
    public Task Tenant_sets_a_snapshot_schedule_and_sees_its_snapshots_appear_and_pruned() =>
        portal.RunInBrowserAsync(nameof(Tenant_sets_a_snapshot_schedule_and_sees_its_snapshots_appear_and_pruned), async s =>
        {
            var page = s.Page;
            await s.SignInAsTenantAsync();
            await s.OpenNewShareFormAsync();
            await page.Locator("#share-name").FillAsync($"e2e-sched-{portal.RunId}");
            await page.Locator("#share-size").FillAsync("1");
            await page.Locator("[data-testid=create-share-submit]").ClickAsync();
            await Expect(page).ToHaveURLAsync(BrowserSession.SharePageUrl());
            var shareId = Guid.Parse(BrowserSession.SharePageUrl().Match(page.Url).Groups[1].Value);
            var dataset = $"{portal.Pool}/{portal.DatasetPrefix}{shareId.ToString("D").Replace('-', '_')}";
            portal.TrackDataset(dataset);
            await Expect(page.Locator("[data-testid=share-status]")).ToHaveTextAsync(new Regex(@"^\s*available\s*$"), new() { Timeout = 30_000 });

            // Every two seconds, keep two: a cron expression with seconds.
            var panel = page.Locator("[data-testid=snapshot-policy-panel]");
            await Expect(panel.Locator("[data-testid=snapshot-policy-none]")).ToBeVisibleAsync();
            await panel.Locator("[data-testid=policy-kind]").ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "Cron expression" }).ClickAsync();
            await page.Locator("#policy-cron").FillAsync("*/2 * * * * *");
            await page.Locator("#policy-keep").FillAsync("2");
            await s.ClickPastSnackbarsAsync(panel.Locator("[data-testid=policy-save]"));
            await Expect(panel.Locator("[data-testid=snapshot-policy-summary]")).ToContainTextAsync("*/2 * * * * *");

            // The page updates by itself: scheduled snapshots appear, and the retention keeps them at two.
            var scheduled = page.Locator("[data-testid=snapshot-row]", new() { Has = page.Locator("[data-testid=snapshot-scheduled]") });
            await Expect(scheduled.First).ToContainTextAsync("auto-", new() { Timeout = 20_000 });
            await Expect(scheduled.Nth(2)).ToBeVisibleAsync(new() { Timeout = 20_000 }); // a third run, before its oldest is pruned
            await s.ClickPastSnackbarsAsync(panel.Locator("[data-testid=policy-remove]"));
            await Expect(panel.Locator("[data-testid=snapshot-policy-none]")).ToBeVisibleAsync();

            // Once the last run has landed, the page and the host agree, and pruning kept the list at its retention (plus at
            // most the run taken just before the schedule was removed).
            await Expect(page.Locator("[data-testid=snapshot-status]", new() { HasText = "creating" })).ToHaveCountAsync(0, new() { Timeout = 20_000 });
            await Expect(page.Locator("[data-testid=snapshot-status]", new() { HasText = "deleting" })).ToHaveCountAsync(0, new() { Timeout = 20_000 });
            var shown = await scheduled.CountAsync();
            Assert.InRange(shown, 2, 3);
            Assert.Equal(shown, (await HostZfs.SnapshotsAsync(dataset)).Count);
        });
}
