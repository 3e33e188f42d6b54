using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

[Collection(PortalGroup.Name)]
public sealed class CreateShareTests(PortalFixture portal)
{
    private static readonly TimeSpan BecomesAvailableWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public Task Tenant_creates_a_share_and_watches_it_become_available() =>
        portal.RunInBrowserAsync(nameof(Tenant_creates_a_share_and_watches_it_become_available), async s =>
        {
            var page = s.Page;
            var name = $"e2e-{portal.RunId}";

            await s.SignInAsTenantAsync();
            await s.WaitForInteractiveAsync();
            // The button in the page (the navigation drawer has a "New share" link too).
            await page.Locator(".mud-main-content").GetByRole(AriaRole.Link, new() { Name = "New share" }).First.ClickAsync();
            await s.WaitForNewShareFormAsync();

            // From here on the page must update itself over the circuit: a reload would lose this marker.
            await page.EvaluateAsync("() => { window.__e2eMarker = 1; }");
            var loadsBefore = s.Loads;

            await page.Locator("#share-name").FillAsync(name);
            await page.Locator("#share-size").FillAsync("1");
            await page.Locator("[data-testid=create-share-submit]").ClickAsync();

            await Expect(page).ToHaveURLAsync(BrowserSession.SharePageUrl());
            var shareId = Guid.Parse(BrowserSession.SharePageUrl().Match(page.Url).Groups[1].Value);
            var expectedDataset = portal.DatasetOf(shareId);
            portal.TrackDataset(expectedDataset); // destroyed at the end of the run, whatever happens below

            var status = page.Locator("[data-testid=share-status]");
            await Expect(page.Locator("[data-testid=share-name]")).ToHaveTextAsync(name);
            await Expect(status).ToHaveTextAsync(new Regex(@"^\s*(creating|available)\s*$"));
            await Expect(status).ToHaveTextAsync(new Regex(@"^\s*available\s*$"),
                new() { Timeout = (float)BecomesAvailableWithin.TotalMilliseconds });

            Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__e2eMarker ?? 0"));
            Assert.Equal(loadsBefore, s.Loads);

            var exportLocation = (await page.Locator("[data-testid=export-location]").InnerTextAsync()).Trim();
            var dataset = (await page.Locator("[data-testid=share-dataset]").InnerTextAsync()).Trim();
            Assert.Equal(expectedDataset, dataset);
            await Expect(page.Locator("[data-testid=mount-command]")).ToContainTextAsync(exportLocation);
            await Expect(page.Locator("[data-testid=share-size]")).ToHaveTextAsync("1 GiB");
            await Expect(page.Locator("[data-testid=operation-progress]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=operation-step]")).ToHaveCountAsync(3);
            await Expect(page.Locator("[data-testid=operation-step]").Nth(1)).ToContainTextAsync(dataset);
            await Expect(page.Locator("[data-testid=operation-progress] [role=progressbar]")).ToHaveAttributeAsync("aria-valuenow", "100");

            // The dataset is real: on the host, with the requested size as refquota, at the exported mount point.
            var props = await HostZfs.GetAsync(dataset, "refquota", "mountpoint");
            Assert.True(props is not null, $"Dataset {dataset} does not exist on the host.");
            Assert.Equal("1073741824", props["refquota"]);
            var mountpoint = props["mountpoint"];
            Assert.StartsWith("/", mountpoint, StringComparison.Ordinal);
            Assert.EndsWith(":" + mountpoint, exportLocation, StringComparison.Ordinal);
            Assert.Equal($"{portal.ShareExportIp}:{mountpoint}", exportLocation);

            await s.ScreenshotAsync("share-page");

            // And the list shows it as available.
            await page.GotoAsync("/shares");
            var row = page.Locator("[data-testid=share-list] tbody tr", new() { HasText = name });
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row.Locator("[data-testid=share-status]")).ToHaveTextAsync(new Regex(@"^\s*available\s*$"));
            await Expect(row).ToContainTextAsync(exportLocation);
            await Expect(row).ToContainTextAsync("1 GiB");
        });

    [Fact]
    public Task Bad_size_shows_a_clear_message_and_creates_nothing() =>
        portal.RunInBrowserAsync(nameof(Bad_size_shows_a_clear_message_and_creates_nothing), async s =>
        {
            var page = s.Page;
            var name = $"e2e-bad-{portal.RunId}";
            await s.SignInAsTenantAsync();
            var before = await s.ListedShareNamesAsync();

            await s.OpenNewShareFormAsync();
            var nameInput = page.Locator("#share-name");
            var sizeInput = page.Locator("#share-size");
            var submit = page.Locator("[data-testid=create-share-submit]");
            var form = page.Locator("form").Filter(new() { Has = sizeInput });

            await nameInput.FillAsync(name);
            await sizeInput.FillAsync("abc");
            await submit.ClickAsync();
            await Expect(form).ToContainTextAsync("'abc' is not a whole number of GiB");
            await Expect(page).ToHaveURLAsync(BrowserSession.NewShareUrl());

            await sizeInput.FillAsync("0");
            await submit.ClickAsync();
            await Expect(form).ToContainTextAsync("The size must be at least 1 GiB.");
            await Expect(form).Not.ToContainTextAsync("is not a whole number");
            await Expect(page).ToHaveURLAsync(BrowserSession.NewShareUrl());

            await sizeInput.FillAsync("1");
            await nameInput.FillAsync("");
            await submit.ClickAsync();
            await Expect(form).ToContainTextAsync("Give the share a name.");
            await Expect(form).Not.ToContainTextAsync("at least 1 GiB");
            await Expect(page).ToHaveURLAsync(BrowserSession.NewShareUrl());
            await Expect(submit).ToBeEnabledAsync(); // the form is usable again, not stuck "Requesting…"

            var after = await s.ListedShareNamesAsync();
            Assert.Equal(before.Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
            Assert.DoesNotContain(after, n => n.Contains("e2e-bad-", StringComparison.Ordinal));
        });
}
