using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;
using static ZfsPortal.E2E.WalkThroughSteps;

namespace ZfsPortal.E2E;

/// <summary>
/// The seed's walk-through (issue 3) as the demo tenant in the browser: create, allow NFS access, snapshot,
/// share from the snapshot, extend, shrink, a refused shrink, deny, delete — each seen on the page as it updates
/// itself over the circuit (no reload), and each read back on the real host with local zfs and exportfs. This one proves the
/// exportfs helper (the default host's): the export table and local reads. GaneshaSeedWalkThroughTests proves the ganesha
/// helper with a real NFS client.
/// </summary>
[Collection(PortalGroup.Name)]
public sealed class SeedWalkThroughTests(PortalFixture portal, ITestOutputHelper output)
{
    private const string ShareName = "zfsvol";
    private const string CopyName = "zfsvol-copy";
    private const string SnapshotName = "snap1";
    private const string Client = "203.0.113.154";
    private const string HelloContent = "hello from the seed walk-through\n";
    private const int BigFileMiB = 1150; // ≈ 1.12 GiB: more than a 1 GiB share can hold
    private const long GiB = 1L << 30;

    [Fact]
    public Task Tenant_replays_the_seed_walk_through() =>
        portal.RunInBrowserAsync(nameof(Tenant_replays_the_seed_walk_through), async s =>
        {
            var clock = Stopwatch.StartNew();
            var lap = TimeSpan.Zero;
            void Step(string what)
            {
                output.WriteLine($"[{clock.Elapsed.TotalSeconds,5:F1} s] (+{(clock.Elapsed - lap).TotalSeconds:F1} s) {what}");
                lap = clock.Elapsed;
            }
            try
            {
                await WalkThroughAsync(s, Step);
            }
            finally
            {
                await WriteDiagnosticsAsync(s);
            }
        });

    private async Task WalkThroughAsync(BrowserSession s, Action<string> step)
    {
        var page = s.Page;
        var state = new LocatorAssertionsToHaveTextOptions { Timeout = StateTimeoutMs };
        var status = page.Locator("[data-testid=share-status]");

        await s.SignInAsTenantAsync();
        await s.WaitForInteractiveAsync();
        // From here on every change must reach the page by itself: a reload would lose the marker.
        await page.EvaluateAsync("() => { window.__e2eMarker = 1; }");
        await RecordShareStatusesAsync(page);
        var loadsBefore = s.Loads;
        step("signed in, interactive");

        // 1. Create a 5 GiB share and see it available.
        await page.Locator(".mud-main-content").GetByRole(AriaRole.Link, new() { Name = "New share" }).First.ClickAsync();
        await s.WaitForNewShareFormAsync();
        await page.Locator("#share-name").FillAsync(ShareName);
        await page.Locator("#share-size").FillAsync("5");
        await page.Locator("[data-testid=create-share-submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(BrowserSession.SharePageUrl());
        var shareId = ShareIdOf(page.Url);
        var dataset = DatasetOf(shareId);
        portal.TrackDataset(dataset);
        await Expect(page.Locator("[data-testid=share-name]")).ToHaveTextAsync(ShareName);
        await Expect(status).ToHaveTextAsync(Exactly("available"), state);
        await Expect(page.Locator("[data-testid=share-size]")).ToHaveTextAsync("5 GiB");
        await Expect(page.Locator("[data-testid=share-dataset]")).ToHaveTextAsync(dataset);
        var mountpoint = await MountpointAsync(dataset);
        Assert.Equal((5 * GiB).ToString(CultureInfo.InvariantCulture), await RefquotaAsync(dataset));
        step($"1. created {ShareName} ({dataset}), available");

        // 2. Allow NFS access for one client, rw.
        var access = page.Locator("[data-testid=access-panel]");
        await Expect(access.Locator("#access-target")).ToBeEnabledAsync();
        await Expect(access.Locator("[data-testid=access-level]")).ToContainTextAsync("rw");
        await access.Locator("#access-target").FillAsync(Client);
        await access.Locator("[data-testid=access-add]").ClickAsync();
        var rule = access.Locator("[data-testid=access-rule]");
        await Expect(rule).ToHaveCountAsync(1);
        await Expect(rule.Locator("[data-testid=access-rule-target]")).ToHaveTextAsync(Client);
        await Expect(rule.Locator("[data-testid=access-rule-state]")).ToHaveTextAsync(Exactly("active"), state);
        await Expect(access.Locator("[data-testid=access-rules-status]")).ToHaveTextAsync(Exactly("active"), state);
        await Expect(rule).ToContainTextAsync("rw");
        var exports = await HostZfs.ExportsOfAsync(mountpoint);
        Assert.True(exports.Any(e => e.Client == Client && e.OptionList.Contains("rw")),
            $"exportfs -v does not list {Client} with rw for {mountpoint}: [{string.Join(", ", exports)}]");
        step("2. access rule active; exportfs lists it rw");

        // 3. The export location.
        var exportLocation = (await page.Locator("[data-testid=export-location]").InnerTextAsync()).Trim();
        Assert.Equal($"{portal.ShareExportIp}:{mountpoint}", exportLocation);
        await Expect(page.Locator("[data-testid=mount-command]")).ToContainTextAsync(exportLocation);
        step($"3. export location {exportLocation}");

        // 4. A file on the host, then a snapshot.
        await File.WriteAllTextAsync(Path.Combine(mountpoint, "hello.txt"), HelloContent);
        await page.Locator("[data-testid=snapshot-create]").ClickAsync();
        await Expect(s.Dialog).ToHaveCountAsync(1);
        await Expect(s.Dialog.Locator("#snapshot-name")).Not.ToHaveValueAsync(""); // prefilled
        await s.Dialog.Locator("#snapshot-name").FillAsync(SnapshotName);
        await s.Dialog.Locator("[data-testid=dialog-submit]").ClickAsync();
        await Expect(s.Dialog).ToHaveCountAsync(0);
        var snapshot = page.Locator("[data-testid=snapshot-row]");
        await Expect(snapshot).ToHaveCountAsync(1);
        await Expect(snapshot).ToContainTextAsync(SnapshotName);
        await Expect(snapshot.Locator("[data-testid=snapshot-status]")).ToHaveTextAsync(Exactly("available"), state);
        Assert.Single(await HostZfs.SnapshotsAsync(dataset));
        step("4. hello.txt written; snapshot snap1 available");

        // 5. A share from the snapshot: the browser goes to it; it is created from the snapshot and holds the file.
        await snapshot.Locator("[data-testid=snapshot-new-share]").ClickAsync();
        await Expect(s.Dialog).ToHaveCountAsync(1);
        await Expect(s.Dialog.Locator("#from-snapshot-size")).ToHaveValueAsync("5");
        await s.Dialog.Locator("#from-snapshot-name").FillAsync(CopyName);
        await s.Dialog.Locator("[data-testid=dialog-submit]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex(@"/shares/(?!" + shareId + @")[0-9a-f-]{36}$"));
        await Expect(s.Dialog).ToHaveCountAsync(0);
        var copyId = ShareIdOf(page.Url);
        var copyDataset = DatasetOf(copyId);
        portal.TrackDataset(copyDataset);
        await Expect(page.Locator("[data-testid=share-name]")).ToHaveTextAsync(CopyName);
        await Expect(status).ToHaveTextAsync(Exactly("available"), state);
        var copySeen = await StatusesSeenAsync(page, CopyName);
        Assert.True(copySeen.Count >= 2 && copySeen[0] == "creating_from_snapshot" && copySeen[^1] == "available",
            $"The copy's page should show creating_from_snapshot, then available; it showed [{string.Join(" → ", copySeen)}].");
        await Expect(page.Locator("[data-testid=share-size]")).ToHaveTextAsync("5 GiB");
        await Expect(page.Locator("[data-testid=share-dataset]")).ToHaveTextAsync(copyDataset);
        var copyMountpoint = await MountpointAsync(copyDataset);
        Assert.Equal(HelloContent, await File.ReadAllTextAsync(Path.Combine(copyMountpoint, "hello.txt")));
        Assert.Equal((5 * GiB).ToString(CultureInfo.InvariantCulture), await RefquotaAsync(copyDataset));
        step($"5. {CopyName} ({copyDataset}): {string.Join(" → ", copySeen)}; holds hello.txt");

        // 6. Back to the first share through the list; extend to 6, shrink to 5.
        await page.Locator(".mud-drawer").GetByRole(AriaRole.Link, new() { Name = "Shares", Exact = true }).ClickAsync();
        await Expect(page).ToHaveURLAsync(BrowserSession.SharesListUrl());
        await page.Locator($"[data-testid=share-row][data-share-id='{shareId}'] a").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/shares/{shareId}$"));
        await Expect(page.Locator("[data-testid=share-name]")).ToHaveTextAsync(ShareName);
        await ResizeAsync(s, "share-extend", "6");
        await Expect(page.Locator("[data-testid=share-size]")).ToHaveTextAsync("6 GiB", state);
        await Expect(status).ToHaveTextAsync(Exactly("available"), state);
        Assert.Equal((6 * GiB).ToString(CultureInfo.InvariantCulture), await RefquotaAsync(dataset));
        step("6a. extended to 6 GiB");
        await ResizeAsync(s, "share-shrink", "5");
        await Expect(page.Locator("[data-testid=share-size]")).ToHaveTextAsync("5 GiB", state);
        await Expect(status).ToHaveTextAsync(Exactly("available"), state);
        Assert.Equal((5 * GiB).ToString(CultureInfo.InvariantCulture), await RefquotaAsync(dataset));
        step("6b. shrunk to 5 GiB");

        // 7. A shrink below the data is refused, with the numbers, and changes nothing.
        // compression=on: only incompressible data takes room, so write the same random MiB over and over.
        await WriteIncompressibleAsync(Path.Combine(mountpoint, "big.bin"), BigFileMiB);
        var referenced = await WaitForReferencedAsync(dataset, atLeast: GiB + GiB / 10); // "holds 1.1" GiB or more
        step($"7a. wrote {BigFileMiB} MiB; referenced {referenced / (double)GiB:F2} GiB");
        await ResizeAsync(s, "share-shrink", "1");
        var message = page.Locator("[data-testid=share-message]");
        await Expect(message).ToContainTextAsync("was refused", new() { Timeout = StateTimeoutMs });
        await Expect(message).ToContainTextAsync("holds 1.1");
        await Expect(message).ToContainTextAsync("choose at least 2 GiB");
        await Expect(status).ToHaveTextAsync(Exactly("available"));
        await Expect(page.Locator("[data-testid=share-size]")).ToHaveTextAsync("5 GiB");
        Assert.Equal((5 * GiB).ToString(CultureInfo.InvariantCulture), await RefquotaAsync(dataset));
        var shotPath = await s.ScreenshotAsync("rule-snapshot-refusal");
        output.WriteLine($"screenshot: {shotPath}");
        step($"7b. shrink to 1 GiB refused: {(await message.InnerTextAsync()).Trim()}");

        // 8. Deny the rule: gone from the page and from the host's export table.
        await rule.Locator("[data-testid=access-deny]").ClickAsync();
        await s.AnswerDialogAsync("Deny");
        await Expect(rule).ToHaveCountAsync(0, new() { Timeout = StateTimeoutMs });
        await Expect(access.Locator("[data-testid=access-rules-status]")).ToHaveTextAsync(Exactly("active"), state);
        exports = await HostZfs.ExportsOfAsync(mountpoint);
        Assert.False(exports.Any(e => e.Client == Client), $"exportfs -v still lists {Client} for {mountpoint}: [{string.Join(", ", exports)}]");
        step("8. rule denied; exportfs no longer lists it");

        // 9. Deleting a share that has a snapshot is refused; delete the snapshot, then both shares.
        await s.ClickPastSnackbarsAsync(page.Locator("[data-testid=share-delete]"));
        await Expect(s.Dialog).ToContainTextAsync("has 1 snapshot");
        await s.AnswerDialogAsync("Delete");
        await Expect(page.Locator(".mud-snackbar", new() { HasText = "has 1 snapshot" })).ToBeVisibleAsync();
        await Expect(status).ToHaveTextAsync(Exactly("available"));
        await Expect(page.Locator("[data-testid=share-deleted]")).ToHaveCountAsync(0);

        await snapshot.Locator("[data-testid=snapshot-delete]").ClickAsync();
        await s.AnswerDialogAsync("Delete");
        await Expect(snapshot).ToHaveCountAsync(0, new() { Timeout = StateTimeoutMs });
        Assert.Empty(await HostZfs.SnapshotsAsync(dataset));
        step("9a. delete refused while the snapshot exists; snapshot deleted");

        await DeleteShownShareAsync(s);
        step($"9b. {ShareName} deleted");
        await page.Locator(".mud-main-content").GetByRole(AriaRole.Link, new() { Name = "Back to your shares" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(BrowserSession.SharesListUrl());
        await Expect(page.Locator($"[data-testid=share-row][data-share-id='{shareId}']")).ToHaveCountAsync(0);
        await page.Locator($"[data-testid=share-row][data-share-id='{copyId}'] a").ClickAsync();
        await Expect(page.Locator("[data-testid=share-name]")).ToHaveTextAsync(CopyName);
        await Expect(status).ToHaveTextAsync(Exactly("available"));
        await DeleteShownShareAsync(s);
        step($"9c. {CopyName} deleted");

        // 10. Nothing of theirs is left on the host.
        var datasets = await HostZfs.DatasetsAsync(portal.Pool);
        Assert.DoesNotContain(dataset, datasets);
        Assert.DoesNotContain(copyDataset, datasets);
        var left = (await HostZfs.ExportsAsync()).Where(e => e.Path == mountpoint || e.Path == copyMountpoint).ToList();
        Assert.True(left.Count == 0, $"exportfs -v still has entries for their mount points: [{string.Join(", ", left)}]");

        // All of it without a reload.
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__e2eMarker ?? 0"));
        Assert.Equal(loadsBefore, s.Loads);
        Assert.True(s.PageErrors.IsEmpty, "Page errors: " + string.Join(" | ", s.PageErrors));
        Assert.True(s.FailedRequests.IsEmpty, "Failed requests to the portal: " + string.Join(" | ", s.FailedRequests));
        step("10. host clean; no reload");
    }

    /// <summary>What the page showed and what took long on the host: in the test output, pass or fail.</summary>
    private async Task WriteDiagnosticsAsync(BrowserSession s)
    {
        try
        {
            output.WriteLine($"statuses the page showed: {string.Join(" | ", await StatusesSeenAsync(s.Page, null))}");
            foreach (var c in (await portal.HostCommandsAsync()).Where(c => c.DurationMs >= 1000))
                output.WriteLine($"slow host command: {c.StartedAt:HH:mm:ss.fff} UTC, {c.DurationMs} ms, exit {c.ExitCode}: {c.CommandLine} {c.Stderr.Trim()}");
            if (!s.ConsoleErrors.IsEmpty)
                output.WriteLine("console errors: " + string.Join(" | ", s.ConsoleErrors));
        }
        catch (Exception ex) when (ex is PlaywrightException or InvalidOperationException)
        {
            output.WriteLine($"(diagnostics unavailable: {ex.Message})");
        }
    }

    /// <summary>
    /// Records, in the page, every status the share page's chip shows (per share name), as the DOM changes: a
    /// state that lasts only a moment is still seen, which polling from the test could miss.
    /// </summary>
    private static async Task RecordShareStatusesAsync(IPage page) => await page.EvaluateAsync("""
        () => {
            window.__e2eStatuses = [];
            const record = () => {
                const name = document.querySelector('[data-testid=share-name]');
                const chip = document.querySelector('.mud-main-content [data-testid=share-status]');
                if (!name || !chip) return;
                const entry = name.textContent.trim() + '\t' + chip.textContent.trim();
                if (window.__e2eStatuses[window.__e2eStatuses.length - 1] !== entry) window.__e2eStatuses.push(entry);
            };
            new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
            record();
        }
        """);

    /// <summary>The statuses recorded for one share (or for all, as "name: status"), consecutive repeats folded.</summary>
    private static async Task<IReadOnlyList<string>> StatusesSeenAsync(IPage page, string? name)
    {
        var all = await page.EvaluateAsync<string[]>("() => window.__e2eStatuses ?? []");
        var seen = new List<string>();
        foreach (var (shareName, status) in all.Select(e => e.Split('\t', 2)).Select(p => (p[0], p[1])).Where(e => name is null || e.Item1 == name))
        {
            var text = name is null ? $"{shareName}: {status}" : status;
            if (seen.Count == 0 || seen[^1] != text)
                seen.Add(text);
        }
        return seen;
    }

    private string DatasetOf(Guid shareId) => $"{portal.Pool}/{portal.DatasetPrefix}{shareId.ToString("D").Replace('-', '_')}";

    private static async Task<string> MountpointAsync(string dataset)
    {
        var props = await HostZfs.GetAsync(dataset, "mountpoint");
        Assert.True(props is not null, $"Dataset {dataset} does not exist on the host.");
        var mountpoint = props["mountpoint"];
        Assert.StartsWith("/", mountpoint, StringComparison.Ordinal);
        Assert.True(Directory.Exists(mountpoint), $"{dataset} is not mounted at {mountpoint}.");
        return mountpoint;
    }

    private static async Task<string> RefquotaAsync(string dataset)
    {
        var props = await HostZfs.GetAsync(dataset, "refquota");
        Assert.True(props is not null, $"Dataset {dataset} does not exist on the host.");
        return props["refquota"];
    }

    /// <summary>Writes <paramref name="mib"/> MiB that compression cannot shrink: one random MiB, repeated (dedup is off).</summary>
    private static async Task WriteIncompressibleAsync(string path, int mib)
    {
        var block = RandomNumberGenerator.GetBytes(1 << 20);
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: false);
        for (var i = 0; i < mib; i++)
            file.Write(block);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Waits (bounded) until the host accounts for the data just written.</summary>
    private static async Task<long> WaitForReferencedAsync(string dataset, long atLeast)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var props = await HostZfs.GetAsync(dataset, "referenced")
                        ?? throw new InvalidOperationException($"Dataset {dataset} does not exist on the host.");
            var referenced = long.Parse(props["referenced"], CultureInfo.InvariantCulture);
            if (referenced >= atLeast)
                return referenced;
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
                throw new InvalidOperationException($"{dataset} references {referenced} bytes 30 s after writing; expected at least {atLeast}.");
            await Task.Delay(250);
        }
    }
}
