using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using ZfsPortal.Tests.Support;
using static Microsoft.Playwright.Assertions;
using static ZfsPortal.E2E.WalkThroughSteps;

namespace ZfsPortal.E2E;

/// <summary>
/// The seed walk-through (issue 12 point 4) in the browser against a backend whose NFS helper is ganesha, with every claim
/// about access checked by real NFS clients (libnfs over NFSv3), each in a network namespace of its own: the Hello World
/// file a client writes over NFS is read back over NFS from the share and from the share made from its snapshot; a client
/// outside the rules is refused at mount, an ro client cannot write, a denied client is refused, and the client's FSSTAT
/// follows extend and shrink. This proves the ganesha helper; SeedWalkThroughTests proves the exportfs helper's table.
/// </summary>
[Collection(GaneshaPortalGroup.Name)]
public sealed class GaneshaSeedWalkThroughTests(GaneshaPortalFixture portal, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Hello = "Hello World\n";
    private const string Writer = "198.18.0.71", Reader = "198.18.0.72";
    private const int Uid = 1000;
    private const long GiB = 1L << 30;
    private readonly List<NfsClient> _clients = [];

    [Fact]
    public Task Tenant_replays_the_seed_walk_through_and_a_real_nfs_client_reads_hello_world_through_ganesha() =>
        portal.RunInBrowserAsync(nameof(Tenant_replays_the_seed_walk_through_and_a_real_nfs_client_reads_hello_world_through_ganesha), async s =>
        {
            var clock = Stopwatch.StartNew();
            void Step(string what) => output.WriteLine($"[{clock.Elapsed.TotalSeconds,5:F1} s] {what}");
            var page = s.Page;
            var state = new LocatorAssertionsToHaveTextOptions { Timeout = StateTimeoutMs };
            var status = page.Locator("[data-testid=share-status]");
            var writer = await ClientAsync(Writer);
            var reader = await ClientAsync(Reader);

            await s.SignInAsTenantAsync();
            await s.WaitForInteractiveAsync();

            // 1. A 1 GiB share, available, exported from the Ganesha server's address.
            await page.Locator(".mud-main-content").GetByRole(AriaRole.Link, new() { Name = "New share" }).First.ClickAsync();
            await s.WaitForNewShareFormAsync();
            await page.Locator("#share-name").FillAsync("zfsvol");
            await page.Locator("#share-size").FillAsync("1");
            await page.Locator("[data-testid=create-share-submit]").ClickAsync();
            await Expect(page).ToHaveURLAsync(BrowserSession.SharePageUrl());
            var shareId = ShareIdOf(page.Url);
            await Expect(status).ToHaveTextAsync(Exactly("available"), state);
            var mountpoint = await ExportedPathAsync(page);
            MakeWritable(mountpoint);
            Step($"1. created zfsvol, exported as {GaneshaPortalFixture.ServerIp}:{mountpoint}");

            // 2. Allow the writer rw: once the page says active, it writes Hello World over NFS and reads it back; the reader,
            //    outside every rule, is refused at mount.
            await AllowAsync(page, Writer, "rw");
            var written = await writer.WriteAsync(mountpoint + "/hello.txt", Hello, Uid);
            Assert.True(written.Ok, $"nfs-cp as {Writer}: {written.Output}");
            Assert.Equal(Hello, (await writer.ReadAsync(mountpoint + "/hello.txt")).Output);
            Assert.Contains("MNT3ERR_ACCES", (await reader.ReadAsync(mountpoint + "/hello.txt")).Output, StringComparison.Ordinal);
            Step("2. rule active; the writer wrote and read hello.txt over NFS; the reader was refused at mount");

            // 3. A snapshot, then a share from it; the reader, allowed ro on the copy, reads Hello World from it and cannot write.
            await page.Locator("[data-testid=snapshot-create]").ClickAsync();
            await Expect(s.Dialog).ToHaveCountAsync(1);
            await s.Dialog.Locator("#snapshot-name").FillAsync("snap1");
            await s.Dialog.Locator("[data-testid=dialog-submit]").ClickAsync();
            var snapshot = page.Locator("[data-testid=snapshot-row]");
            await Expect(snapshot.Locator("[data-testid=snapshot-status]")).ToHaveTextAsync(Exactly("available"), state);
            await snapshot.Locator("[data-testid=snapshot-new-share]").ClickAsync();
            await Expect(s.Dialog).ToHaveCountAsync(1);
            await s.Dialog.Locator("#from-snapshot-name").FillAsync("zfsvol-copy");
            await s.Dialog.Locator("[data-testid=dialog-submit]").ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"/shares/(?!" + shareId + @")[0-9a-f-]{36}$"));
            var copyId = ShareIdOf(page.Url);
            await Expect(page.Locator("[data-testid=share-name]")).ToHaveTextAsync("zfsvol-copy");
            await Expect(page.Locator("[data-testid=share-dataset]")).ToContainTextAsync(copyId.ToString("D").Replace('-', '_'));
            await Expect(status).ToHaveTextAsync(Exactly("available"), state);
            var copyMountpoint = await ExportedPathAsync(page);
            await AllowAsync(page, Reader, "ro");
            var read = await reader.ReadAsync(copyMountpoint + "/hello.txt");
            Assert.True(read.Ok && read.Output == Hello, $"nfs-cat of the copy's hello.txt as {Reader} (exit {read.ExitCode}): {read.Output}");
            Assert.Contains("NFS3ERR_ROFS", (await reader.WriteAsync(copyMountpoint + "/ro.txt", "no", Uid)).Output, StringComparison.Ordinal);
            Step("3. snapshot snap1, share zfsvol-copy from it; the reader read Hello World from the copy over NFS; its write was refused");

            // 4. Back on the first share: extend to 2 GiB and shrink to 1; the writer's FSSTAT (what df shows) follows.
            await page.GotoAsync($"/shares/{shareId}");
            await s.WaitForInteractiveAsync();
            await Expect(page.Locator("[data-testid=share-name]")).ToHaveTextAsync("zfsvol");
            await ResizeAsync(s, "share-extend", "2");
            await Expect(page.Locator("[data-testid=share-size]")).ToHaveTextAsync("2 GiB", state);
            await Expect(status).ToHaveTextAsync(Exactly("available"), state);
            Assert.InRange(await writer.TotalBytesAsync(mountpoint), 2 * GiB - (16L << 20), 2 * GiB);
            await ResizeAsync(s, "share-shrink", "1");
            await Expect(page.Locator("[data-testid=share-size]")).ToHaveTextAsync("1 GiB", state);
            await Expect(status).ToHaveTextAsync(Exactly("available"), state);
            Assert.InRange(await writer.TotalBytesAsync(mountpoint), GiB - (16L << 20), GiB);
            Step("4. extended to 2 GiB and shrunk to 1 GiB; the client's df agreed each time");

            // 5. Deny: once the rule is gone from the page, the writer is refused at mount.
            var rule = page.Locator("[data-testid=access-rule]");
            await rule.Locator("[data-testid=access-deny]").ClickAsync();
            await s.AnswerDialogAsync("Deny");
            await Expect(rule).ToHaveCountAsync(0, new() { Timeout = StateTimeoutMs });
            Assert.Contains("MNT3ERR_ACCES", (await writer.ReadAsync(mountpoint + "/hello.txt")).Output, StringComparison.Ordinal);
            Step("5. rule denied; the writer is refused");

            // 6. Delete the snapshot and both shares; nothing is served for the copy any more.
            await snapshot.Locator("[data-testid=snapshot-delete]").ClickAsync();
            await s.AnswerDialogAsync("Delete");
            await Expect(snapshot).ToHaveCountAsync(0, new() { Timeout = StateTimeoutMs });
            await DeleteShownShareAsync(s);
            await page.GotoAsync($"/shares/{copyId}");
            await s.WaitForInteractiveAsync();
            await Expect(page.Locator("[data-testid=share-name]")).ToHaveTextAsync("zfsvol-copy");
            await DeleteShownShareAsync(s);
            Assert.Contains("MNT3ERR_ACCES", (await reader.ReadAsync(copyMountpoint + "/hello.txt")).Output, StringComparison.Ordinal);
            Assert.True(s.PageErrors.IsEmpty, "Page errors: " + string.Join(" | ", s.PageErrors));
            Assert.True(s.FailedRequests.IsEmpty, "Failed requests to the portal: " + string.Join(" | ", s.FailedRequests));
            Step("6. snapshot and both shares deleted; the copy is no longer served");
        });

    /// <summary>The path of the share page's export location, which must name the Ganesha server's address.</summary>
    private static async Task<string> ExportedPathAsync(IPage page)
    {
        var location = (await page.Locator("[data-testid=export-location]").InnerTextAsync()).Trim();
        Assert.StartsWith(GaneshaPortalFixture.ServerIp + ":/", location, StringComparison.Ordinal);
        return location[(GaneshaPortalFixture.ServerIp.Length + 1)..];
    }

    /// <summary>Adds a rule for <paramref name="client"/> on the open share page and waits until the page says it is active.</summary>
    private static async Task AllowAsync(IPage page, string client, string level)
    {
        var access = page.Locator("[data-testid=access-panel]");
        await Expect(access.Locator("#access-target")).ToBeEnabledAsync();
        await access.Locator("#access-target").FillAsync(client);
        if (level != "rw")
        {
            await access.Locator("[data-testid=access-level]").ClickAsync();
            await page.Locator(".mud-popover-open").GetByRole(AriaRole.Option, new() { Name = level, Exact = true }).ClickAsync();
        }
        await access.Locator("[data-testid=access-add]").ClickAsync();
        var rule = access.Locator("[data-testid=access-rule]", new() { HasText = client });
        await Expect(rule.Locator("[data-testid=access-rule-state]")).ToHaveTextAsync(Exactly("active"), new() { Timeout = StateTimeoutMs });
        await Expect(rule).ToContainTextAsync(level);
    }

    // As a tenant's first no_root_squash client would: a new dataset's root is root's, 0755, and the test clients are uid 1000.
    private static void MakeWritable(string mountpoint)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(mountpoint, (UnixFileMode)0b111_111_111);
    }

    private async Task<NfsClient> ClientAsync(string address)
    {
        var client = await portal.ClientAsync(address);
        _clients.Add(client);
        return client;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
            await client.DisposeAsync();
    }
}
