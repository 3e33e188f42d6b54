using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

/// <summary>
/// Issue 4 in the browser: an admin and a tenant, each in a browser context of their own, on the same portal.
/// A share type that always needs approval (made through the share type dialog), a request that waits, an approval
/// and a rejection seen on both pages as they update themselves over their circuits (no reload), admin pages kept
/// from the tenant, and the backend's health and preflight as an admin sees them.
/// </summary>
[Collection(PortalGroup.Name)]
public sealed partial class ApprovalTests(PortalFixture portal, ITestOutputHelper output)
{
    /// <summary>Per state change: generous on a busy 2-core machine, but bounded.</summary>
    private const float StateTimeoutMs = 20_000;
    /// <summary>The health monitor checks at start and every 20 s.</summary>
    private const float HealthTimeoutMs = 25_000;
    private const string Reason = "Use the archive tier for this.";
    private const string BackendName = "local-zfs";
    private const long GiB = 1L << 30;

    /// <summary>One per run (share type names are unique); the first test that needs it creates it in the dialog.</summary>
    private string TypeName => $"approval-{portal.RunId}";

    private static readonly SemaphoreSlim TypeGate = new(1, 1);
    private static string? _typeCreatedFor;

    [Fact]
    public Task Admin_approval_moves_the_tenants_page_to_available_by_itself() =>
        RunAsAdminAndTenantAsync(nameof(Admin_approval_moves_the_tenants_page_to_available_by_itself), async (admin, tenant, step) =>
        {
            var name = $"e2e-appr-{portal.RunId}";
            await Task.WhenAll(SignInAdminAsync(admin), SignInTenantAsync(tenant));
            step("both signed in, interactive");

            await EnsureApprovalTypeAsync(admin);
            step($"share type {TypeName} (approval: always) exists");

            // The admin watches the queue from before the request exists: it must arrive by itself.
            await OpenApprovalsAsync(admin);
            var waitingBefore = await WaitingCountAsync(admin.Page);
            await MarkAsync(admin.Page);
            var adminLoads = admin.Loads;

            var gigabytesBefore = await ProjectGigabytesAsync(tenant);
            var shareId = await RequestShareAsync(tenant, name);
            var dataset = DatasetOf(shareId);
            portal.TrackDataset(dataset); // destroyed at the end of the run, whatever happens below
            await MarkAsync(tenant.Page);
            await RecordShareStatusesAsync(tenant.Page);
            var tenantLoads = tenant.Loads;
            var status = tenant.Page.Locator(".mud-main-content [data-testid=share-status]");
            await Expect(status).ToHaveTextAsync(Exactly("awaiting_approval"));
            await Expect(tenant.Page.Locator("[data-testid=share-message]")).ToContainTextAsync("Waiting for an admin to approve");
            await Expect(tenant.Page.Locator("[data-testid=export-location]")).ToHaveCountAsync(0);
            step($"tenant requested {name} ({shareId}): awaiting_approval");

            // The request appears on the admin's page, and in the menu badge, without a reload.
            var cell = admin.Page.Locator($"[data-testid=approval-row][data-share-id='{shareId}']");
            var row = RowOf(admin.Page, cell);
            await Expect(cell).ToHaveCountAsync(1, new() { Timeout = StateTimeoutMs });
            await Expect(row.Locator("[data-testid=approval-requester]")).ToHaveTextAsync(PortalFixture.TenantEmail);
            await Expect(row.Locator("[data-testid=approval-project]")).ToHaveTextAsync("demo");
            await Expect(row.Locator("[data-testid=approval-share]")).ToHaveTextAsync(name);
            await Expect(row.Locator("[data-testid=approval-size]")).ToHaveTextAsync(Exactly("1 GiB"));
            await Expect(row).ToContainTextAsync(TypeName);
            await Expect(row.Locator("[data-testid=approval-quota-gigabytes]"))
                .ToHaveTextAsync(Exactly($"gigabytes {gigabytesBefore + 1} of 1000"));
            await Expect(admin.Page.Locator("[data-testid=approvals-count]")).ToHaveTextAsync(Exactly($"{waitingBefore + 1}"));
            await Expect(row.Locator("[data-testid=approval-approve]")).ToBeEnabledAsync();
            await admin.ScreenshotAsync("approvals-waiting");
            step("the request arrived on the admin's page and in the badge by itself");

            await row.Locator("[data-testid=approval-approve]").ClickAsync();
            await Expect(admin.Page.Locator(".mud-snackbar", new() { HasText = $"Approved {name} in demo" })).ToBeVisibleAsync();
            await Expect(cell).ToHaveCountAsync(0);
            await ExpectWaitingCountAsync(admin.Page, waitingBefore);
            step("approved; the row and the badge count are gone");

            // The tenant's page, never reloaded, goes through creating to available.
            await Expect(status).ToHaveTextAsync(Exactly("available"), new() { Timeout = StateTimeoutMs });
            var seen = await StatusesSeenAsync(tenant.Page);
            output.WriteLine($"statuses the tenant's page showed: {string.Join(" → ", seen)}");
            Assert.Equal(["awaiting_approval", "creating", "available"], seen);
            await Expect(tenant.Page.Locator("[data-testid=share-message]")).ToHaveCountAsync(0);
            await Expect(tenant.Page.Locator("[data-testid=share-dataset]")).ToHaveTextAsync(dataset);
            var exportLocation = (await tenant.Page.Locator("[data-testid=export-location]").InnerTextAsync()).Trim();
            await Expect(tenant.Page.Locator("[data-testid=mount-command]")).ToContainTextAsync(exportLocation);
            step($"tenant's page: available at {exportLocation}");

            // On the host: the requested size as refquota, the type's property, at the exported mount point.
            var props = await HostZfs.GetAsync(dataset, "refquota", "atime", "mountpoint");
            Assert.True(props is not null, $"Dataset {dataset} does not exist on the host.");
            Assert.Equal(GiB.ToString(CultureInfo.InvariantCulture), props["refquota"]);
            Assert.Equal("off", props["atime"]);
            Assert.Equal($"{portal.ShareExportIp}:{props["mountpoint"]}", exportLocation);
            step("host: refquota 1 GiB, atime=off, mount point as exported");

            Assert.Equal(1, await tenant.Page.EvaluateAsync<int>("() => window.__e2eMarker ?? 0"));
            Assert.Equal(1, await admin.Page.EvaluateAsync<int>("() => window.__e2eMarker ?? 0"));
            Assert.Equal(tenantLoads, tenant.Loads);
            Assert.Equal(adminLoads, admin.Loads);
            AssertNoBrowserProblems(admin, tenant);
        });

    [Fact]
    public Task A_rejection_shows_its_reason_to_the_tenant() =>
        RunAsAdminAndTenantAsync(nameof(A_rejection_shows_its_reason_to_the_tenant), async (admin, tenant, step) =>
        {
            var name = $"e2e-rej-{portal.RunId}";
            await Task.WhenAll(SignInAdminAsync(admin), SignInTenantAsync(tenant));
            await EnsureApprovalTypeAsync(admin);
            step("both signed in; the share type exists");

            var shareId = await RequestShareAsync(tenant, name);
            var dataset = DatasetOf(shareId);
            portal.TrackDataset(dataset); // nothing should be created; if it were, it goes at the end
            await MarkAsync(tenant.Page);
            var tenantLoads = tenant.Loads;
            var status = tenant.Page.Locator(".mud-main-content [data-testid=share-status]");
            await Expect(status).ToHaveTextAsync(Exactly("awaiting_approval"));
            step($"tenant requested {name} ({shareId})");

            // This time the admin opens the queue after the request: it is there already.
            await OpenApprovalsAsync(admin);
            var cell = admin.Page.Locator($"[data-testid=approval-row][data-share-id='{shareId}']");
            var row = RowOf(admin.Page, cell);
            await Expect(cell).ToHaveCountAsync(1);
            await Expect(row.Locator("[data-testid=approval-share]")).ToHaveTextAsync(name);
            var waitingBefore = await WaitingCountAsync(admin.Page);
            Assert.True(waitingBefore >= 1, "The approvals badge does not count the waiting request.");

            await row.Locator("[data-testid=approval-reject]").ClickAsync();
            await Expect(admin.Dialog).ToHaveCountAsync(1);
            await Expect(admin.Dialog).ToContainTextAsync($"{PortalFixture.TenantEmail} asked for {name} (1 GiB)");
            var reason = admin.Dialog.Locator("#reject-reason");
            var submit = admin.Dialog.Locator("[data-testid=dialog-submit]");

            // An empty reason is refused in place: the dialog stays open and says why.
            await submit.ClickAsync();
            await Expect(admin.Dialog).ToContainTextAsync("Give a reason; the requester reads it.");
            await Expect(admin.Dialog).ToHaveCountAsync(1);
            await Expect(submit).ToBeEnabledAsync();
            await Expect(status).ToHaveTextAsync(Exactly("awaiting_approval"));
            await admin.ScreenshotAsync("reject-empty-reason");
            step("empty reason refused in the dialog");

            await reason.FillAsync(Reason);
            await submit.ClickAsync();
            await Expect(admin.Dialog).ToHaveCountAsync(0);
            await Expect(admin.Page.Locator(".mud-snackbar", new() { HasText = $"Rejected {name}" })).ToBeVisibleAsync();
            await Expect(cell).ToHaveCountAsync(0);
            await ExpectWaitingCountAsync(admin.Page, waitingBefore - 1);
            step("rejected with a reason; the row is gone");

            // The tenant's page, not reloaded, says rejected and why.
            await Expect(status).ToHaveTextAsync(Exactly("rejected"), new() { Timeout = StateTimeoutMs });
            await Expect(tenant.Page.Locator("[data-testid=share-message]")).ToContainTextAsync(Reason);
            await Expect(tenant.Page.Locator("[data-testid=export-location]")).ToHaveCountAsync(0);
            await Expect(tenant.Page.Locator("[data-testid=share-dataset]")).ToHaveCountAsync(0);
            await tenant.ScreenshotAsync("rejected");
            Assert.Equal(1, await tenant.Page.EvaluateAsync<int>("() => window.__e2eMarker ?? 0"));
            Assert.Equal(tenantLoads, tenant.Loads);
            step("tenant's page: rejected, with the reason");

            // Nothing was created on the host for it (and no job ran for it).
            Assert.Null(await HostZfs.GetAsync(dataset, "name"));
            Assert.DoesNotContain(await HostZfs.DatasetsAsync(portal.Pool), d => d.Contains(IdPart(shareId), StringComparison.Ordinal));
            Assert.DoesNotContain(await portal.HostCommandsAsync(), c => c.CommandLine.Contains(IdPart(shareId), StringComparison.Ordinal));
            step("host: nothing of it");
            AssertNoBrowserProblems(admin, tenant);
        });

    [Fact]
    public Task A_tenant_is_kept_out_of_admin_pages() =>
        RunAsAdminAndTenantAsync(nameof(A_tenant_is_kept_out_of_admin_pages), async (admin, tenant, step) =>
        {
            await Task.WhenAll(SignInAdminAsync(admin), SignInTenantAsync(tenant));
            var page = tenant.Page;

            // No admin menu for the tenant.
            await Expect(page.Locator(".mud-navmenu a[href='/shares']")).ToHaveCountAsync(1);
            await Expect(page.Locator("a[href='/admin/approvals'], a[href='/hangfire']")).ToHaveCountAsync(0);

            // Typed in the address bar: the server sends a signed-in non-admin to /account/denied.
            foreach (var (path, content) in new[]
                     {
                         ("/admin/approvals", "[data-testid=approval-list], [data-testid=approvals-empty], [data-testid=approval-row]"),
                         ("/admin/backends", "[data-testid=backend-row], [data-testid=backend-add], [data-testid=backend-preflight]"),
                     })
            {
                var response = await page.GotoAsync(path);
                await Expect(page).ToHaveURLAsync(DeniedUrl());
                Assert.Equal(200, response?.Status);
                await Expect(page.Locator("[data-testid=access-denied]")).ToContainTextAsync($"signed in as {PortalFixture.TenantEmail}");
                await Expect(page.Locator(content)).ToHaveCountAsync(0);
                await Expect(page.Locator("h1", new() { HasText = path.EndsWith("approvals", StringComparison.Ordinal) ? "Approvals" : "Backends" }))
                    .ToHaveCountAsync(0);
                step($"{path}: denied");
            }

            // The Hangfire dashboard: the admin sees it (so the check below would notice it), the tenant does not.
            var adminResponse = await admin.Page.GotoAsync("/hangfire");
            Assert.Equal(200, adminResponse?.Status);
            await Expect(admin.Page.Locator(HangfireDashboard)).Not.ToHaveCountAsync(0);

            var hangfire = await page.GotoAsync("/hangfire");
            output.WriteLine($"tenant /hangfire: HTTP {hangfire?.Status} at {page.Url}");
            Assert.True(hangfire is null || hangfire.Status is 403 || DeniedUrl().IsMatch(page.Url),
                $"/hangfire answered the tenant HTTP {hangfire?.Status} at {page.Url}");
            await Expect(page.Locator(HangfireDashboard)).ToHaveCountAsync(0);
            Assert.DoesNotContain("Hangfire Dashboard", await page.ContentAsync(), StringComparison.OrdinalIgnoreCase);
            step($"/hangfire: not shown (HTTP {hangfire?.Status}, {new Uri(page.Url).AbsolutePath})");

            // The JSON stats endpoint the dashboard polls is closed to the tenant too.
            var stats = await page.APIRequest.PostAsync("/hangfire/stats", new() { MaxRedirects = 0 });
            Assert.True(stats.Status is 302 or 401 or 403, $"/hangfire/stats answered the tenant HTTP {stats.Status}");
            step($"/hangfire/stats: HTTP {stats.Status}");

            // Navigating inside the app (no page load), the admin page's content does not render either. The router
            // sends the tenant away with a full load: to /account/denied would be right; today it is the sign-in form
            // (RedirectToLogin does not tell "signed out" from "not allowed"), which keeps the content out all the same.
            await page.GotoAsync("/shares");
            await tenant.WaitForInteractiveAsync();
            await page.EvaluateAsync("() => Blazor.navigateTo('/admin/approvals')");
            await Expect(page).ToHaveURLAsync(new Regex(@"/account/(denied|login)(\?.*)?$"));
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            output.WriteLine($"tenant in-app navigation to /admin/approvals ended at {page.Url}");
            await Expect(page.Locator("[data-testid=approval-list], [data-testid=approvals-empty], [data-testid=approval-row]")).ToHaveCountAsync(0);
            step($"in-app navigation: ended at {new Uri(page.Url).PathAndQuery}");
        });

    [Fact]
    public Task Admin_sees_backend_health_and_runs_a_preflight() =>
        portal.RunInBrowserAsync(nameof(Admin_sees_backend_health_and_runs_a_preflight), async admin =>
        {
            var clock = Stopwatch.StartNew();
            var page = admin.Page;
            await SignInAdminAsync(admin);

            await page.GotoAsync("/admin/services");
            await admin.WaitForInteractiveAsync();
            var table = page.Locator("[data-testid=services-table]");
            await Expect(table).ToBeVisibleAsync();
            var service = table.Locator("tbody.mud-table-body > tr", new() { HasText = BackendName });
            await Expect(service).ToHaveCountAsync(1);
            await Expect(service.Locator("td").First).ToHaveTextAsync(BackendName);
            // Up from the check at start, or from the next one (every 20 s): the page updates itself.
            await Expect(service.Locator("[data-testid=backend-health]")).ToHaveTextAsync(Exactly("up"), new() { Timeout = HealthTimeoutMs });
            await Expect(service).ToContainTextAsync("enabled");
            await Expect(service.Locator("[data-testid=pool-row]")).ToHaveCountAsync(1);
            await Expect(service.Locator("[data-testid=pool-row] td").First).ToHaveTextAsync(portal.Pool);
            await Expect(service.Locator("[data-testid=pool-row] td").Nth(1)).ToHaveTextAsync(new Regex(@"^\d+(\.\d+)? [KMGT]?i?B$"));
            output.WriteLine($"[{clock.Elapsed.TotalSeconds:F1} s] services: {BackendName} up, pool {portal.Pool}");

            await page.GotoAsync("/admin/backends");
            await admin.WaitForInteractiveAsync();
            var backend = page.Locator("[data-testid=backend-row]", new() { HasText = BackendName });
            await Expect(backend).ToHaveCountAsync(1);
            await Expect(backend.Locator("[data-testid=backend-health]")).ToHaveTextAsync(Exactly("up"));
            await backend.Locator("[data-testid=backend-preflight]").ClickAsync();
            await Expect(admin.Dialog).ToHaveCountAsync(1);
            await Expect(admin.Dialog).ToContainTextAsync($"Preflight of {BackendName}");
            var summary = admin.Dialog.Locator("[data-testid=preflight-summary]");
            await Expect(summary).ToContainTextAsync("Every check passed", new() { Timeout = StateTimeoutMs });
            await Expect(summary).ToContainTextAsync("The backend is ready.");
            await Expect(admin.Dialog.Locator("[data-testid=preflight-check]")).ToHaveCountAsync(11);  // ten checks and the host guard (issue 10)
            await Expect(admin.Dialog.Locator("[data-testid=preflight-fix]")).ToHaveCountAsync(0);
            foreach (var check in await admin.Dialog.Locator("[data-testid=preflight-check]").AllInnerTextsAsync())
                output.WriteLine($"  preflight: {check.Trim()}");
            await admin.ScreenshotAsync("preflight");
            await admin.AnswerDialogAsync("Close");
            output.WriteLine($"[{clock.Elapsed.TotalSeconds:F1} s] preflight: every check passed");
            AssertNoBrowserProblems(admin);
        });

    // ---- the two browser contexts ----

    /// <summary>
    /// Runs a test with two browser contexts of its own, the admin's and the tenant's. On failure both pages are
    /// saved as screenshots and both sessions' browser problems are in the message. Steps are timed in the output.
    /// </summary>
    private async Task RunAsAdminAndTenantAsync(string testName, Func<BrowserSession, BrowserSession, Action<string>, Task> test)
    {
        var clock = Stopwatch.StartNew();
        var lap = TimeSpan.Zero;
        void Step(string what)
        {
            output.WriteLine($"[{clock.Elapsed.TotalSeconds,5:F1} s] (+{(clock.Elapsed - lap).TotalSeconds:F1} s) {what}");
            lap = clock.Elapsed;
        }

        await using var admin = await portal.NewSessionAsync(testName + "-admin");
        await using var tenant = await portal.NewSessionAsync(testName + "-tenant");
        try
        {
            await test(admin, tenant, Step);
        }
        catch (Exception failure)
        {
            var adminShot = await admin.ScreenshotAsync("FAILED");
            var tenantShot = await tenant.ScreenshotAsync("FAILED");
            throw new Xunit.Sdk.XunitException(
                $"{failure.Message}\n(admin: screenshot {adminShot ?? "could not be taken"}, page {admin.Page.Url}; {admin.DescribeProblems()})" +
                $"\n(tenant: screenshot {tenantShot ?? "could not be taken"}, page {tenant.Page.Url}; {tenant.DescribeProblems()})\n{failure}");
        }
    }

    private static async Task SignInAdminAsync(BrowserSession admin)
    {
        await admin.SignInAsync(PortalFixture.AdminEmail, PortalFixture.AdminPassword);
        await admin.WaitForInteractiveAsync();
    }

    private static async Task SignInTenantAsync(BrowserSession tenant)
    {
        await tenant.SignInAsTenantAsync();
        await tenant.WaitForInteractiveAsync();
    }

    private static void AssertNoBrowserProblems(params BrowserSession[] sessions)
    {
        foreach (var s in sessions)
        {
            Assert.True(s.PageErrors.IsEmpty, "Page errors: " + string.Join(" | ", s.PageErrors));
            Assert.True(s.FailedRequests.IsEmpty, "Failed requests to the portal: " + string.Join(" | ", s.FailedRequests));
        }
    }

    // ---- the share type ----

    /// <summary>
    /// Makes sure this run's share type that always needs approval exists: the first test to need it creates it as the
    /// admin in the share type dialog (a public type, 1–10 GiB, approval "Always", atime=off), after one refusal
    /// that must keep the dialog open with the message at its field.
    /// </summary>
    private async Task EnsureApprovalTypeAsync(BrowserSession admin)
    {
        await TypeGate.WaitAsync();
        try
        {
            var page = admin.Page;
            await page.GotoAsync("/admin/share-types");
            await admin.WaitForInteractiveAsync();
            var typeRow = RowOf(page, page.Locator("[data-testid=share-type-row]", new() { Has = page.Locator("[data-testid=share-type-name]", new() { HasTextRegex = Exactly(TypeName) }) }));
            if (_typeCreatedFor == portal.RunId)
            {
                await Expect(typeRow).ToHaveCountAsync(1);
                return;
            }

            await Expect(page.Locator("[data-testid=share-type-list]")).ToBeVisibleAsync();
            await Expect(typeRow).ToHaveCountAsync(0);
            await page.Locator("[data-testid=share-type-new]").ClickAsync();
            var dialog = admin.Dialog;
            await Expect(dialog).ToHaveCountAsync(1);
            await Expect(dialog.Locator(".mud-dialog-title")).ToHaveTextAsync("New share type");
            await dialog.Locator("#share-type-name").FillAsync(TypeName);
            await dialog.Locator("#share-type-description").FillAsync("Every request waits for an admin (E2E).");
            await dialog.Locator("#share-type-min").FillAsync("1");
            await dialog.Locator("#share-type-max").FillAsync("10");
            await Expect(dialog.Locator("#share-type-approval-above")).ToHaveCountAsync(0); // only for "Above a size"
            await ChooseAsync(page, dialog.Locator("[data-testid=share-type-approval]"), "Always");
            await Expect(dialog.Locator("[data-testid=share-type-approval]")).ToHaveTextAsync("Always");
            await Expect(dialog.Locator("#share-type-approval-above")).ToHaveCountAsync(0);

            // A property the portal controls itself is refused at its field; the dialog stays open.
            await dialog.Locator("#share-type-properties").FillAsync("mountpoint=/elsewhere");
            await dialog.Locator("[data-testid=dialog-submit]").ClickAsync();
            await Expect(dialog).ToContainTextAsync("'mountpoint' is not a property share types may set");
            await Expect(dialog).ToHaveCountAsync(1);
            await Expect(dialog.Locator("#share-type-name")).ToHaveValueAsync(TypeName);

            await dialog.Locator("#share-type-properties").FillAsync("atime=off");
            await dialog.Locator("[data-testid=dialog-submit]").ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);
            await Expect(page.Locator(".mud-snackbar", new() { HasText = "Share type created." })).ToBeVisibleAsync();
            await Expect(typeRow).ToHaveCountAsync(1);
            var cells = typeRow.Locator("td");
            await Expect(cells.Nth(1)).ToHaveTextAsync("all projects (public)");
            await Expect(cells.Nth(2)).ToHaveTextAsync("1–10 GiB");
            await Expect(cells.Nth(3)).ToHaveTextAsync("always");
            await Expect(typeRow.Locator("[data-testid=share-type-properties]")).ToHaveTextAsync("atime=off");
            _typeCreatedFor = portal.RunId;
        }
        finally
        {
            TypeGate.Release();
        }
    }

    /// <summary>Opens a MudSelect (its element with the test id is the combobox) and clicks the option with exactly this text.</summary>
    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await Expect(select).ToHaveAttributeAsync("role", "combobox");
        await select.ClickAsync();
        var item = page.Locator(".mud-popover-open").GetByRole(AriaRole.Option, new() { Name = option, Exact = true });
        await item.ClickAsync();
        await Expect(page.Locator(".mud-popover-open [role=option]")).ToHaveCountAsync(0);
    }

    // ---- the tenant's request ----

    /// <summary>As the tenant: /shares/new, this run's approval type, the name, 1 GiB; returns the id of the share page it lands on.</summary>
    private async Task<Guid> RequestShareAsync(BrowserSession tenant, string name)
    {
        var page = tenant.Page;
        await tenant.OpenNewShareFormAsync();
        var type = page.Locator("[data-testid=share-type]");
        await ChooseAsync(page, type, TypeName);
        await Expect(type).ToHaveTextAsync(TypeName);
        await Expect(page.Locator("form")).ToContainTextAsync("Every request waits for an admin (E2E). (1–10 GiB; every request needs an admin's approval)");
        await page.Locator("#share-name").FillAsync(name);
        await page.Locator("#share-size").FillAsync("1");
        await page.Locator("[data-testid=create-share-submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(BrowserSession.SharePageUrl());
        await Expect(page.Locator("[data-testid=share-name]")).ToHaveTextAsync(name);
        return Guid.Parse(BrowserSession.SharePageUrl().Match(page.Url).Groups[1].Value);
    }

    /// <summary>
    /// The demo project's gigabytes, in use plus reserved, from the tenant's usage page: what the approvals page must
    /// show as "after approval" once one more GiB is requested.
    /// </summary>
    private static async Task<long> ProjectGigabytesAsync(BrowserSession tenant)
    {
        await tenant.Page.GotoAsync("/projects/usage");
        var text = tenant.Page.Locator("[data-testid=usage-panel] [data-testid=quota-bar][data-quota=gigabytes] [data-testid=quota-text]");
        await Expect(text).ToHaveTextAsync(new Regex(@"GiB in use"));
        var match = QuotaTextPattern().Match((await text.InnerTextAsync()).Trim());
        Assert.True(match.Success, $"Unexpected gigabytes quota text: '{await text.InnerTextAsync()}'");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
               + (match.Groups[2].Success ? long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0);
    }

    [GeneratedRegex(@"^(\d+) GiB in use(?:, (\d+) reserved)?, of 1000$")]
    private static partial Regex QuotaTextPattern();

    // ---- the admin's queue ----

    private static async Task OpenApprovalsAsync(BrowserSession admin)
    {
        await admin.Page.GotoAsync("/admin/approvals");
        await admin.WaitForInteractiveAsync();
        await Expect(admin.Page.Locator("[data-testid=approval-list], [data-testid=approvals-empty]")).ToBeVisibleAsync();
    }

    /// <summary>The menu badge's number (no badge: none waiting).</summary>
    private static async Task<int> WaitingCountAsync(IPage page)
    {
        var badge = page.Locator("[data-testid=approvals-count]");
        return await badge.CountAsync() == 0 ? 0 : int.Parse((await badge.InnerTextAsync()).Trim(), CultureInfo.InvariantCulture);
    }

    private static async Task ExpectWaitingCountAsync(IPage page, int count)
    {
        var badge = page.Locator("[data-testid=approvals-count]");
        if (count == 0)
            await Expect(badge).ToHaveCountAsync(0);
        else
            await Expect(badge).ToHaveTextAsync(Exactly(count.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>The table row around a cell that carries a row's test id (MudTable puts the attributes on the cell).</summary>
    private static ILocator RowOf(IPage page, ILocator cell) => page.Locator("tr", new() { Has = cell });

    // ---- the page's own record of what it showed ----

    private static async Task MarkAsync(IPage page) => await page.EvaluateAsync("() => { window.__e2eMarker = 1; }");

    /// <summary>
    /// Records, in the page, every status the share page's chip shows, as the DOM changes: a state that lasts only a
    /// moment (creating) is still seen, which polling from the test could miss.
    /// </summary>
    private static async Task RecordShareStatusesAsync(IPage page) => await page.EvaluateAsync("""
        () => {
            window.__e2eStatuses = [];
            const record = () => {
                const chip = document.querySelector('.mud-main-content [data-testid=share-status]');
                if (!chip) return;
                const status = chip.textContent.trim();
                if (window.__e2eStatuses[window.__e2eStatuses.length - 1] !== status) window.__e2eStatuses.push(status);
            };
            new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
            record();
        }
        """);

    private static async Task<string[]> StatusesSeenAsync(IPage page) =>
        await page.EvaluateAsync<string[]>("() => window.__e2eStatuses ?? []");

    // ---- names ----

    private const string HangfireDashboard = "#hangfireConfig, .navbar-brand:has-text('Hangfire'), a[href$='/hangfire/jobs/enqueued']";

    private static string IdPart(Guid shareId) => shareId.ToString("D").Replace('-', '_');

    private string DatasetOf(Guid shareId) => $"{portal.Pool}/{portal.DatasetPrefix}{IdPart(shareId)}";

    private static Regex Exactly(string text) => new($@"^\s*{Regex.Escape(text)}\s*$");

    [GeneratedRegex(@"/account/denied(\?.*)?$")]
    private static partial Regex DeniedUrlPattern();

    private static Regex DeniedUrl() => DeniedUrlPattern();
}
