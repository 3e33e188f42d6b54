using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares.Resize;
using ZfsPortal.Features.Shares;

namespace ZfsPortal.Bench;

/// <summary>Debian's Chromium, headless, launched the way tests/ZfsPortal.E2E does (never `playwright install`).</summary>
internal sealed class Chromium : IAsyncDisposable
{
    public const string Path = "/usr/bin/chromium";

    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private IPlaywright? _playwright;
    public IBrowser Browser { get; private set; } = default!;

    /// <param name="nice">Above 0: Chromium and every process it starts run at this nice value (BenchOptions.BrowserNice).</param>
    public static async Task<Chromium> LaunchAsync(int nice)
    {
        if (!File.Exists(Path))
            throw new InvalidOperationException($"{Path} is missing: apt-get install -y --no-install-recommends chromium (never `playwright install`).");
        var c = new Chromium { _playwright = await Playwright.CreateAsync() };
        var executable = nice > 0 ? c.NicedLauncher(nice) : Path;
        c.Browser = await c._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true, Args = Args });
        return c;
    }

    private string? _launcherDir;

    // Playwright starts the executable it is given with its pipes on fds 3 and 4; exec keeps them, and the renderers
    // Chromium forks later inherit the nice value. Run as root, Chromium raises its own threads (the browser's main
    // thread read nice -8): without CAP_SYS_NICE it cannot, so every thread stays at the value given here.
    private string NicedLauncher(int nice)
    {
        if (!OperatingSystem.IsLinux())
            throw new InvalidOperationException("--browser-nice needs Linux's nice; give --browser-nice 0 elsewhere.");
        _launcherDir = Directory.CreateTempSubdirectory("zfsbench-chromium-").FullName;
        var launcher = System.IO.Path.Combine(_launcherDir, "chromium");
        File.WriteAllText(launcher, $"#!/bin/sh\nexec /usr/bin/setpriv --bounding-set=-sys_nice --inh-caps=-sys_nice /usr/bin/nice -n {nice} {Path} \"$@\"\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return launcher;
    }

    /// <summary>A context signed in through the portal's sign-in form.</summary>
    public async Task<IBrowserContext> SignedInContextAsync(Uri baseAddress, string email, string password)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, Locale = "en-US",
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath.StartsWith("/shares", StringComparison.Ordinal));
        await page.CloseAsync();
        return context;
    }

    /// <summary>Waits until the layout says the circuit is live (the prerendered page says data-interactive="false").</summary>
    public static Task WaitInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive=\"true\"]").First.WaitForAsync(new() { Timeout = 30_000 });

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_launcherDir is not null)
            Directory.Delete(_launcherDir, recursive: true);
    }
}

internal sealed class PushResult
{
    /// <summary>ShareEvents.Publish of the final state → the status chip and size changed in the browser's DOM.</summary>
    public Series PublishToDom { get; } = new("publish → DOM");
    /// <summary>Same, to the next animation frame after the DOM change (what the eye can see).</summary>
    public Series PublishToFrame { get; } = new("publish → frame");
    /// <summary>Operation.FinishedAt (set just before the final SaveChanges) → DOM.</summary>
    public Series FinishToDom { get; } = new("finish → DOM");
    /// <summary>Same measured with Date.now() (ms resolution) instead of performance.timeOrigin + now(): a check of the clocks.</summary>
    public Series PublishToDomDateNow { get; } = new("publish → DOM (Date.now)");
    public int Missed { get; set; }
}

/// <summary>
/// The time from a job's last step to a real Blazor circuit re-rendering it: a share page open in Chromium, a
/// MutationObserver that notes when its status chip reads "available" at the new size, against the time the
/// in-process ShareEvents.Publish of the final state happened (same machine clock).
/// </summary>
internal sealed class BrowserBench(BenchPortal portal, ShareWatch watch, Chromium chromium, TextWriter log)
{
    public PushResult Result { get; } = new();

    private const string Observer = """
        () => {
          window.__hits = []; window.__want = null;
          const check = () => {
            if (window.__want === null) return;
            const chip = document.querySelector('[data-testid=share-status]');
            const size = document.querySelector('[data-testid=share-size]');
            if (!chip || !size) return;
            if (chip.textContent.trim().endsWith('available') && size.textContent.trim() === window.__want) {
              const hit = { want: window.__want, dom: performance.timeOrigin + performance.now(), domDateNow: Date.now(), frame: 0 };
              window.__want = null;
              window.__hits.push(hit);
              requestAnimationFrame(() => { hit.frame = performance.timeOrigin + performance.now(); });
            }
          };
          new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
        }
        """;

    public async Task RunAsync(int samples, CancellationToken ct)
    {
        var creates = portal.Get<CreateShareService>();
        var resize = portal.Get<ResizeShareService>();
        var r = await creates.CreateAsync(portal.Tenant, new CreateShareRequest(portal.DemoProjectId, portal.DefaultShareTypeId, "push", "", "1"), ct);
        var share = r.Id ?? throw new InvalidOperationException($"Could not create the share for the browser: {r.Error}");
        await watch.WaitAsync(share, Final.ShareAvailable(share, 1), PortalOps.Timeout, ct);

        await using var context = await chromium.SignedInContextAsync(portal.BaseAddress, BenchPortal.TenantEmail, BenchPortal.Password);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/shares/{share}");
        await Chromium.WaitInteractiveAsync(page);
        await page.EvaluateAsync(Observer);

        // One warm-up extend, then the samples; each extend grows the share by 1 GiB so every final state differs.
        for (var k = 0; k <= samples; k++)
        {
            ct.ThrowIfCancellationRequested();
            var size = k + 2;
            var want = Fmt.Inv($"{size} GiB");
            await page.EvaluateAsync("w => { window.__want = w; }", want);
            watch.Record(share);
            var t0Utc = DateTime.UtcNow;
            var extend = await resize.ExtendAsync(portal.Tenant, share, size.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            if (!extend.Succeeded)
                throw new InvalidOperationException($"Extend to {size} GiB was refused: {extend.Error}");
            await watch.WaitAsync(share, Final.ShareAvailable(share, size), PortalOps.Timeout, ct);
            JsonElement hit;
            try
            {
                var handle = await page.WaitForFunctionAsync("w => window.__hits.find(h => h.want === w && h.frame > 0) || null", want,
                    new PageWaitForFunctionOptions { Timeout = 10_000, PollingInterval = 20 });
                hit = (await handle.JsonValueAsync<JsonElement>());
            }
            catch (TimeoutException)
            {
                Result.Missed++;
                await log.WriteLineAsync($"  the browser did not show {want} within 10 s");
                continue;
            }
            // The final Publish is the last nudge of the operation (FinishAsync publishes after its SaveChanges).
            var nudges = watch.RecordedNudges();
            var publish = nudges.Count > 0 ? nudges[^1] : double.NaN;
            DateTime? finished;
            await using (var db = await portal.Db.CreateDbContextAsync(ct))
                finished = await db.Operations.AsNoTracking()
                    .Where(o => o.ShareId == share && o.Kind == OperationKind.ExtendShare && o.CreatedAt >= t0Utc.AddSeconds(-1))
                    .OrderByDescending(o => o.CreatedAt).Select(o => o.FinishedAt).FirstOrDefaultAsync(ct);
            if (k == 0)
                continue;
            var dom = hit.GetProperty("dom").GetDouble();
            Result.PublishToDom.Add(dom - publish);
            Result.PublishToFrame.Add(hit.GetProperty("frame").GetDouble() - publish);
            Result.PublishToDomDateNow.Add(hit.GetProperty("domDateNow").GetDouble() - publish);
            if (finished is { } f)
                Result.FinishToDom.Add(dom - Clock.UnixMs(f));
        }
        await page.CloseAsync();
        await log.WriteLineAsync($"  {Result.PublishToDom.Describe()} (publish → DOM); missed {Result.Missed}");
    }
}
