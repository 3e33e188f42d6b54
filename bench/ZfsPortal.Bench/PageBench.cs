using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ZfsPortal.Data;

namespace ZfsPortal.Bench;

internal sealed class PageUserResult
{
    public Series HttpMs { get; } = new("GET /shares");
    public int HtmlBytes { get; set; }
    public int RowsRendered { get; set; }
    public Series NavHtml { get; } = new("browser: HTML received (responseEnd)");
    public Series NavDomContentLoaded { get; } = new("browser: DOMContentLoaded");
    public Series NavFirstContentfulPaint { get; } = new("browser: first contentful paint");
    public Series NavInteractive { get; } = new("browser: interactive (circuit rendered)");
    public double HeapBytesPerPage { get; set; } = double.NaN;
    public double WorkingSetBytesPerPage { get; set; } = double.NaN;
    public int OpenPages { get; set; }
}

internal sealed class PageResult
{
    public int Shares { get; set; }
    public int Projects { get; set; }
    public double SeedMs { get; set; }
    public int MemberProjects { get; set; }
    public PageUserResult Member { get; } = new();
    public PageUserResult Admin { get; } = new();
}

/// <summary>
/// The shares page with many shares: rows seeded straight into the portal's SQLite database (no host work), then
/// the first page as the server renders it (HTTP GET with a signed-in cookie: the prerendered HTML), the same in
/// Chromium up to a live circuit, and the managed heap and working set per open page.
/// </summary>
internal sealed partial class PageBench(BenchPortal portal, RunIds run, Chromium? chromium, TextWriter log)
{
    public PageResult Result { get; } = new();

    public async Task SeedAsync(int shares, int projects, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var db = await portal.Db.CreateDbContextAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var pool = portal.Backend.Pools[0];
        var baseTime = DateTime.UtcNow.AddDays(-30);
        var perProject = (int)Math.Ceiling(shares / (double)projects);
        var n = 0;
        for (var p = 0; p < projects; p++)
        {
            var project = new Project { Name = Fmt.Inv($"bench{run.Id}-p{p:D3}"), Description = "benchmark rows (no datasets)" };
            project.Quotas = project.Quotas with { Shares = QuotaLimits.Unlimited, Gigabytes = QuotaLimits.Unlimited };
            db.Projects.Add(project);
            db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = portal.Tenant.UserId });
            for (var s = 0; s < perProject && n < shares; s++, n++)
            {
                var id = Guid.NewGuid();
                var dataset = $"{pool}/{run.Prefix}fake_{id:N}";
                db.Shares.Add(new Share
                {
                    Id = id, ProjectId = project.Id, Name = Fmt.Inv($"share-{s:D4}"), Description = "", ShareTypeId = portal.DefaultShareTypeId,
                    SizeGiB = 1 + (n % 50), Status = ShareStatus.Available, BackendName = portal.Backend.Name, Pool = pool, Dataset = dataset,
                    ExportLocation = $"{portal.Backend.ShareExportIp}:/{dataset}", CreatedByUserId = portal.Tenant.UserId,
                    CreatedAt = baseTime.AddSeconds(n), UpdatedAt = baseTime.AddSeconds(n),
                });
            }
        }
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct);
        Result.Shares = n;
        Result.Projects = projects;
        Result.MemberProjects = projects;
        Result.SeedMs = clock.Elapsed.TotalMilliseconds;
        await log.WriteLineAsync(Fmt.Inv($"  seeded {n} shares in {projects} projects in {Result.SeedMs:F0} ms (the tenant is a member of all {projects})"));
    }

    /// <summary>GET /shares with a signed-in cookie, to the last byte of the prerendered HTML.</summary>
    public async Task HttpAsync(string email, PageUserResult into, int samples, CancellationToken ct)
    {
        using var client = await portal.SignedInClientAsync(email);
        for (var i = -3; i < samples; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await client.GetAsync(new Uri("/shares", UriKind.Relative), HttpCompletionOption.ResponseContentRead, ct);
            var html = await response.Content.ReadAsStringAsync(ct);
            var ms = clock.Elapsed.TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"GET /shares as {email}: HTTP {(int)response.StatusCode}");
            if (i < 0)
                continue;
            into.HttpMs.Add(ms);
            into.HtmlBytes = html.Length;
            into.RowsRendered = ShareRow().Count(html);
        }
        await log.WriteLineAsync(Fmt.Inv($"  GET /shares as {email}: {into.HttpMs.Describe()}; {into.RowsRendered} rows, {into.HtmlBytes / 1024} KiB of HTML"));
    }

    private const string InteractiveProbe = """
        window.__interactiveAt = null;
        new MutationObserver((m, o) => {
          if (window.__interactiveAt === null && document.querySelector('[data-interactive="true"]')) {
            window.__interactiveAt = performance.now(); o.disconnect();
          }
        }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-interactive'] });
        """;

    private const string NavigationTiming = """
        () => {
          const n = performance.getEntriesByType('navigation')[0];
          const fcp = performance.getEntriesByName('first-contentful-paint')[0];
          return { html: n.responseEnd, dcl: n.domContentLoadedEventEnd, fcp: fcp ? fcp.startTime : -1, interactive: window.__interactiveAt };
        }
        """;

    /// <summary>Fresh page per load in one signed-in context: HTML, DOMContentLoaded, first paint, live circuit.</summary>
    public async Task BrowserLoadsAsync(string email, PageUserResult into, int samples, CancellationToken ct)
    {
        if (chromium is null)
            return;
        await using var context = await chromium.SignedInContextAsync(portal.BaseAddress, email, BenchPortal.Password);
        await context.AddInitScriptAsync(InteractiveProbe);
        for (var i = -1; i < samples; i++)
        {
            ct.ThrowIfCancellationRequested();
            var page = await context.NewPageAsync();
            await page.GotoAsync("/shares");
            await page.WaitForFunctionAsync("() => window.__interactiveAt !== null", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
            var t = await page.EvaluateAsync<JsonElement>(NavigationTiming);
            await page.CloseAsync();
            if (i < 0)
                continue;
            into.NavHtml.Add(t.GetProperty("html").GetDouble());
            into.NavDomContentLoaded.Add(t.GetProperty("dcl").GetDouble());
            if (t.GetProperty("fcp").GetDouble() >= 0)
                into.NavFirstContentfulPaint.Add(t.GetProperty("fcp").GetDouble());
            into.NavInteractive.Add(t.GetProperty("interactive").GetDouble());
        }
        await log.WriteLineAsync(Fmt.Inv($"  browser /shares as {email}: interactive {into.NavInteractive.Describe()}"));
    }

    /// <summary>
    /// Memory per open page: N pages with live circuits, the process's managed heap (after full, compacting
    /// collections) and working set before and after, divided by N. The portal runs in this process.
    /// </summary>
    public async Task<IBrowserContext?> MemoryAsync(string email, PageUserResult into, int pages, CancellationToken ct)
    {
        if (chromium is null)
            return null;
        var context = await chromium.SignedInContextAsync(portal.BaseAddress, email, BenchPortal.Password);
        await Task.Delay(500, ct);
        var (heap0, ws0) = Measure();
        for (var i = 0; i < pages; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/shares");
            await Chromium.WaitInteractiveAsync(page);
        }
        await Task.Delay(1000, ct);
        var (heap1, ws1) = Measure();
        into.OpenPages = pages;
        into.HeapBytesPerPage = (heap1 - heap0) / (double)pages;
        into.WorkingSetBytesPerPage = (ws1 - ws0) / (double)pages;
        await log.WriteLineAsync(Fmt.Inv($"  {pages} open /shares pages as {email}: {into.HeapBytesPerPage / 1024:F0} KiB managed heap and {into.WorkingSetBytesPerPage / 1024:F0} KiB working set per page"));
        return context;
    }

    public static (long Heap, long WorkingSet) Measure()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        using var self = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), self.WorkingSet64);
    }

    [GeneratedRegex("data-testid=\"share-row\"")]
    private static partial Regex ShareRow();
}
