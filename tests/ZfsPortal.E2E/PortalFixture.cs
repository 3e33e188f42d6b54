using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ZfsPortal.Data;
using ZfsPortal.Testing;

namespace ZfsPortal.E2E;

[CollectionDefinition(Name)]
public sealed class PortalGroup : ICollectionFixture<PortalFixture>
{
    public const string Name = "Portal in a browser";
}

/// <summary>
/// One portal (WebApplicationFactory on a real Kestrel port, fresh data folder, demo seed, the local ZFS
/// storage host from <c>scripts/storage-host.sh up</c>) and one headless Chromium, shared by every E2E test.
/// At the end it removes, on the host, exactly the share datasets this run created (shares, copies and clones made
/// from snapshots, with their snapshots) and the NFS exports of their mount points.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public class PortalFixture : IAsyncLifetime
{
    /// <summary>The default host's: where scripts/storage-host.sh writes backend.json; it honours ZFSPORTAL_HOST_DIR, and so do the tests.</summary>
    public PortalFixture() : this(LocalBackend.DefaultPath())
    {
    }

    /// <summary>A portal against another host's backend.json (a subclass brings that host up in <see cref="BeforeStartAsync"/>).</summary>
    protected PortalFixture(string backendJsonPath) => BackendJsonPath = backendJsonPath;

    public string BackendJsonPath { get; }
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>How every session's console reports a Content-Security-Policy refusal (see <see cref="NewSessionAsync"/>).</summary>
    public const string CspViolation = "CSP violation:";

    public const string TenantEmail = TestPortal.TenantEmail;
    public const string AdminEmail = TestPortal.AdminEmail;
    // Test-only passwords: at least 12 characters with a digit, upper and lower case and a symbol.
    public const string TenantPassword = "E2e-Tenant-Passw0rd!";
    public const string AdminPassword = "E2e-Admin-Passw0rd!";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    // Dataset → the order it became known in: cleanup goes newest first (a clone before the share it was cloned from).
    private readonly ConcurrentDictionary<string, long> _datasets = new(StringComparer.Ordinal);
    private long _tracked;
    private TestPortal? _factory;
    private bool _started;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Unique per run: share names made by the tests carry it.</summary>
    public string RunId { get; } = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture)
                                  + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));

    public Uri BaseAddress { get; private set; } = default!;
    public IPlaywright Playwright { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    public string Pool { get; private set; } = "";
    public string DatasetPrefix { get; private set; } = "";
    public string ShareExportIp { get; private set; } = "";

    /// <summary>tests/ZfsPortal.E2E/bin/screenshots (bin/ is not committed).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(FindProjectDirectory(), "bin", "screenshots");

    /// <summary>Remembers a dataset the tests caused to be created, so that the end of the run destroys it.</summary>
    public void TrackDataset(string dataset) => _datasets.TryAdd(dataset, Interlocked.Increment(ref _tracked));

    /// <summary>The dataset the portal makes for a share on the local host.</summary>
    public string DatasetOf(Guid shareId) => $"{Pool}/{DatasetPrefix}{shareId.ToString("D").Replace('-', '_')}";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"E2E tests need Debian's Chromium at {ChromiumPath} and it is missing. Install it with " +
                "`apt-get install -y --no-install-recommends chromium` (the project's test script installs it for CI; " +
                "`bash scripts/storage-host.sh up` sets up the storage host the tests also need). Never run `playwright install`.");

        // Screenshots are per run: drop the previous run's (not those of this run's other fixture).
        if (Directory.Exists(ScreenshotDirectory))
            foreach (var png in Directory.EnumerateFiles(ScreenshotDirectory, "*.png"))
                if (File.GetLastWriteTimeUtc(png) < Process.GetCurrentProcess().StartTime.ToUniversalTime())
                    File.Delete(png);

        await BeforeStartAsync();
        var backend = LocalBackend.Read(BackendJsonPath);
        (Pool, DatasetPrefix, ShareExportIp) = (backend.Pools[0], backend.DatasetPrefix, backend.ShareExportIp);
        await CheckPoolIsUpAsync();

        try
        {
            _factory = new TestPortal(backend, TenantPassword, new Dictionary<string, string?>
            {
                ["Portal:WorkerCount"] = "2",
                ["Portal:QueuePollMilliseconds"] = "100",
                ["Portal:RunJobs"] = "true",
                ["Portal:SnapshotScheduleSeconds"] = "1",
                // Open pages re-check their user every second, so a sign-out elsewhere reaches them within a test's patience.
                ["Portal:SignIn:SessionCheckSeconds"] = "1",
                ["Seed:AdminPassword"] = AdminPassword,
            });
            BaseAddress = _factory.StartOnKestrel();
            _started = true;

            Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
            Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
            Assertions.SetDefaultExpectTimeout(10_000);
        }
        catch (Exception startFailure)
        {
            // Clean up what did start, but report why the start failed (not a follow-on cleanup error).
            try
            {
                await DisposeAsync();
            }
            catch (InvalidOperationException cleanup)
            {
                throw new AggregateException("The E2E fixture could not start (see the first inner exception).", startFailure, cleanup);
            }
            throw;
        }
    }

    /// <summary>
    /// The host commands the portal recorded so far (its audit trail, oldest first), with when they started and how
    /// long they took: for a test to explain where time went.
    /// </summary>
    public async Task<IReadOnlyList<(DateTime StartedAt, int DurationMs, int ExitCode, string CommandLine, string Stderr)>> HostCommandsAsync()
    {
        var dbFactory = (_factory ?? throw new InvalidOperationException("The portal is not running."))
            .Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var rows = await db.HostCommands.AsNoTracking().OrderBy(c => c.Id)
            .Select(c => new { c.StartedAt, c.DurationMs, c.ExitCode, c.CommandLine, c.Stderr }).ToListAsync();
        return [.. rows.Select(c => (c.StartedAt, c.DurationMs, c.ExitCode, c.CommandLine, c.Stderr))];
    }

    /// <summary>A fresh browser context (own cookies) and page; see <see cref="BrowserSession"/>.</summary>
    public async Task<BrowserSession> NewSessionAsync(string testName)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        // Chromium reports most CSP refusals on the console, but not all (e.g. some from dynamically added elements);
        // the event reports every one. Init scripts run outside the page's CSP.
        await context.AddInitScriptAsync(
            "document.addEventListener('securitypolicyviolation', e => console.error(" +
            "`" + CspViolation + " ${e.violatedDirective} refused ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));");
        var page = await context.NewPageAsync();
        return new BrowserSession(this, testName, context, page);
    }

    /// <summary>Runs a browser test; on failure saves a full-page screenshot into bin/screenshots and rethrows.</summary>
    public async Task RunInBrowserAsync(string testName, Func<BrowserSession, Task> test)
    {
        await using var session = await NewSessionAsync(testName);
        try
        {
            await test(session);
        }
        catch (Exception failure)
        {
            var shot = await session.ScreenshotAsync("FAILED");
            throw new Xunit.Sdk.XunitException(
                $"{failure.Message}\n(screenshot: {shot ?? "could not be taken"}; page: {session.Page.Url})\n{session.DescribeProblems()}\n{failure}");
        }
    }

    /// <summary>Brings up what the portal's host needs before the portal starts (nothing for the default host, which is up already).</summary>
    protected virtual Task BeforeStartAsync() => Task.CompletedTask;

    /// <summary>Takes down what <see cref="BeforeStartAsync"/> brought up, once the portal has stopped; returns what went wrong.</summary>
    protected virtual Task<string?> AfterStopAsync() => Task.FromResult<string?>(null);

    public async Task DisposeAsync()
    {
        var problems = new List<string>();
        async Task Try(string what, Func<Task> step)
        {
            try { await step(); }
            catch (Exception ex) { problems.Add($"{what}: {ex.Message}"); }
        }

        if (Browser is { } browser)
        {
            Browser = null!;
            await Try("closing Chromium", () => browser.CloseAsync());
        }
        if (Playwright is { } playwright)
        {
            Playwright = null!;
            playwright.Dispose();
        }

        if (_factory is not null)
        {
            // The portal's database is fresh for this run: every share dataset it records was created by these tests.
            if (_started)
                await Try("listing the run's datasets", async () =>
            {
                var dbFactory = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
                await using var db = await dbFactory.CreateDbContextAsync();
                var shares = await db.Shares.Where(s => s.Dataset != null).Select(s => new { s.Dataset, s.CreatedAt }).ToListAsync();
                foreach (var share in shares.OrderBy(s => s.CreatedAt))
                    TrackDataset(share.Dataset!);
            });
            // Stop the portal (and its Hangfire workers) before touching the datasets they may still work on; this also
            // deletes its data folder.
            await Try("stopping the portal", () => _factory.DisposeAsync().AsTask());
            _factory = null;
        }

        // A host of the fixture's own goes first: its `down` takes its pool (and what holds the datasets open, such as an NFS
        // server) away, so the loop below finds nothing left of that host's datasets.
        await Try("taking the host down", async () =>
        {
            if (await AfterStopAsync() is { } hostProblem)
                problems.Add(hostProblem);
        });

        // Newest first; what fails (e.g. a share whose snapshot a clone still depends on) gets a second pass.
        var left = _datasets.OrderByDescending(d => d.Value).Select(d => d.Key).ToList();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var pass = 1; pass <= 2 && left.Count > 0; pass++)
        {
            errors.Clear();
            foreach (var dataset in left)
            {
                try
                {
                    if (await HostZfs.DestroyShareDatasetAsync(Pool, DatasetPrefix, dataset) is { } error)
                        errors[dataset] = error;
                }
                catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
                {
                    errors[dataset] = $"{dataset}: {ex.Message}";
                }
            }
            left = [.. left.Where(errors.ContainsKey)];
        }
        problems.AddRange(errors.Values);

        Console.WriteLine($"[e2e] fixture lived {_clock.Elapsed.TotalSeconds:F1} s; destroyed {_datasets.Count} dataset(s).");
        if (problems.Count > 0)
            throw new InvalidOperationException("E2E cleanup failed:\n  " + string.Join("\n  ", problems));
    }

    private async Task CheckPoolIsUpAsync()
    {
        HostZfs.Result r;
        try
        {
            r = await HostZfs.RunAsync(HostZfs.Zfs, "get", "-H", "-o", "value", "name", Pool);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"Cannot run {HostZfs.Zfs} ({ex.Message}): the local ZFS storage host is not set up. Run `bash scripts/storage-host.sh up`.", ex);
        }
        if (r.ExitCode != 0 || r.StdOut.Trim() != Pool)
            throw new InvalidOperationException(
                $"The local ZFS storage host is not up: pool '{Pool}' is not available ({r.Describe()}). " +
                "Run `bash scripts/storage-host.sh up` (and `bash scripts/storage-host.sh status` to see what is missing).");
    }

    private static string FindProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ZfsPortal.E2E.csproj")))
                return dir.FullName;
        return AppContext.BaseDirectory;
    }
}
