using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static ZfsPortal.E2E.WalkThroughSteps;

namespace ZfsPortal.E2E;

/// <summary>
/// Issue 11 point 4 in the browser: on /admin/drift an admin finds a dataset made by hand on the host, adopts it as a share of a
/// project (its size shown first), and later unmanages it: the portal forgets the share and the host keeps the dataset and its data.
/// </summary>
[Collection(PortalGroup.Name)]
public sealed class DriftAdoptTests(PortalFixture portal)
{
    private const string Kept = "made by hand before the portal knew it\n";

    [Fact]
    public Task Admin_adopts_a_hand_made_dataset_then_unmanages_it_and_the_host_keeps_dataset_and_data() =>
        portal.RunInBrowserAsync(nameof(Admin_adopts_a_hand_made_dataset_then_unmanages_it_and_the_host_keeps_dataset_and_data), async s =>
        {
            var page = s.Page;
            var name = $"adopted-{portal.RunId}";
            var dataset = $"{portal.Pool}/{portal.DatasetPrefix}{Guid.NewGuid().ToString("D").Replace('-', '_')}";
            portal.TrackDataset(dataset);
            try
            {
                var made = await HostZfs.RunAsync(HostZfs.Zfs, "create", "-o", "refquota=2G", dataset);
                Assert.True(made.ExitCode == 0, $"zfs create {dataset}: {made.Describe()}");
                var mountpoint = (await HostZfs.GetAsync(dataset, "mountpoint"))!["mountpoint"];
                await File.WriteAllTextAsync(Path.Combine(mountpoint, "kept.txt"), Kept);

                await s.SignInAsync(PortalFixture.AdminEmail, PortalFixture.AdminPassword);
                await page.GotoAsync("/admin/drift");
                await s.WaitForInteractiveAsync();
                var backend = page.Locator("[data-testid=drift-backend]");
                await Expect(backend).ToHaveCountAsync(1);

                // Listed after a reconcile, with what it is and the Adopt action.
                await Expect(backend.Locator("[data-testid=drift-reconcile]")).ToBeEnabledAsync();
                await backend.Locator("[data-testid=drift-reconcile]").ClickAsync();
                var finding = backend.Locator("[data-testid=drift-findings] tbody tr", new() { HasText = dataset });
                await Expect(finding).ToHaveCountAsync(1, new() { Timeout = StateTimeoutMs });
                await Expect(finding).ToContainTextAsync("UnownedDataset");

                // Adopt: size shown, project and type chosen, a name given.
                await finding.GetByRole(AriaRole.Button, new() { Name = "Adopt", Exact = true }).ClickAsync();
                await Expect(s.Dialog).ToHaveCountAsync(1);
                await Expect(s.Dialog.Locator("[data-testid=adopt-size]")).ToContainTextAsync("2 GiB");
                await ChooseAsync(page, s.Dialog.Locator(".mud-input-control.mud-select", new() { HasText = "Project" }), ZfsPortal.Testing.TestPortal.DemoProject);
                await ChooseAsync(page, s.Dialog.Locator(".mud-input-control.mud-select", new() { HasText = "Share type" }), "default");
                await s.Dialog.Locator("#adopt-name").FillAsync(name);
                await s.Dialog.Locator("[data-testid=dialog-submit]").ClickAsync();
                await Expect(s.Dialog).ToHaveCountAsync(0);
                await Expect(finding).ToHaveCountAsync(0, new() { Timeout = StateTimeoutMs });

                // The tenant of that project sees it as one of their shares, available, 2 GiB, on that dataset.
                await using (var tenant = await portal.NewSessionAsync(nameof(DriftAdoptTests) + "-tenant"))
                {
                    await tenant.SignInAsTenantAsync();
                    var row = tenant.Page.Locator("[data-testid=share-row]", new() { HasText = name });
                    await Expect(row).ToHaveCountAsync(1);
                    await row.Locator("a").ClickAsync();
                    // The list shows a status chip per share too, and enhanced navigation patches the share page into the
                    // list's DOM: for a moment both are there (a clean-clone run read three chips). Wait for a cell only the
                    // share's own page has and for the list's rows to be gone before reading its status.
                    await Expect(tenant.Page.Locator("[data-testid=share-size]")).ToHaveCountAsync(1, new() { Timeout = StateTimeoutMs });
                    await Expect(tenant.Page.Locator("[data-testid=share-row]")).ToHaveCountAsync(0, new() { Timeout = StateTimeoutMs });
                    await Expect(tenant.Page.Locator("[data-testid=share-status]")).ToHaveTextAsync(Exactly("available"), new() { Timeout = StateTimeoutMs });
                    await Expect(tenant.Page.Locator("[data-testid=share-size]")).ToHaveTextAsync("2 GiB");
                    await Expect(tenant.Page.Locator("[data-testid=share-dataset]")).ToHaveTextAsync(dataset);

                    // Unmanage from the Drift page, confirmed in its dialog.
                    var unmanage = backend.Locator("[data-testid=unmanage-share]");
                    await unmanage.Locator("input").FillAsync($"{ZfsPortal.Testing.TestPortal.DemoProject}/{name}");
                    await unmanage.Locator("[data-testid=unmanage-share-submit]").ClickAsync();
                    await Expect(s.Dialog).ToContainTextAsync($"Dataset {dataset}, its data and its exports stay on the host");
                    await s.AnswerDialogAsync("Unmanage");
                    await Expect(page.Locator(".mud-snackbar", new() { HasText = $"Share {name} unmanaged" })).ToBeVisibleAsync();

                    // The portal has forgotten it; the host has not.
                    await tenant.Page.GotoAsync("/shares");
                    await tenant.WaitForInteractiveAsync();
                    await Expect(row).ToHaveCountAsync(0);
                }
                Assert.NotNull(await HostZfs.GetAsync(dataset, "refquota"));
                Assert.Equal(Kept, await File.ReadAllTextAsync(Path.Combine(mountpoint, "kept.txt")));
                Assert.True(s.PageErrors.IsEmpty, "Page errors: " + string.Join(" | ", s.PageErrors));
            }
            finally
            {
                // Gone at once; if this fails, the fixture (which tracks the dataset) tries again at the end and reports it.
                await HostZfs.DestroyShareDatasetAsync(portal.Pool, portal.DatasetPrefix, dataset);
            }
        });

    /// <summary>Opens a MudSelect and clicks the option with exactly this text.</summary>
    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open").GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
        await Expect(page.Locator(".mud-popover-open [role=option]")).ToHaveCountAsync(0);
    }
}
