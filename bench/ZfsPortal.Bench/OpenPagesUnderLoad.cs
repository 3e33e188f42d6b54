using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares.Resize;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Bench;

internal sealed class OpenPagesResult
{
    public int PagesA { get; set; }
    public int PagesB { get; set; }
    public int Operations { get; set; }
    /// <summary>ShareEvents.Publish of an extend's final state → the open page of that share shows it (wall clock).</summary>
    public Series PublishToDom { get; } = new("publish → DOM, watched pages of project B");
    /// <summary>The two parts of it: until the render batch that showed it reached the page, and from there to the DOM.</summary>
    public Series PublishToBatch { get; } = new("… publish → its render batch in the page (server and socket)");
    public Series BatchToDom { get; } = new("… render batch in the page → DOM (the browser)");
    public int Missed { get; set; }
    /// <summary>Render batches the pages of project A received while project B's operations ran (must stay 0).</summary>
    public int RendersA { get; set; }
    public int RendersB { get; set; }
    public double HeapBytesPerSharePage { get; set; } = double.NaN;
    public double WorkingSetBytesPerSharePage { get; set; } = double.NaN;
    public int IdleCircuits { get; set; }
    public double HeapBytesPerIdleCircuit { get; set; } = double.NaN;
    public double WorkingSetBytesPerIdleCircuit { get; set; } = double.NaN;
}

/// <summary>
/// Issue 14 point 2 (c) and (d): share pages of two projects open at once while every share of project B is
/// extended at the same moment. The pages of B must show each final state quickly; the pages of A must not
/// re-render at all (a page script counts the render batches its circuit receives: Blazor Server's
/// "JS.RenderBatch" messages on the WebSocket). Then the memory per open page and per idle circuit.
/// </summary>
internal sealed class OpenPagesUnderLoad(BenchPortal portal, ShareWatch watch, Chromium chromium, ContentionCleanup cleanup, RunIds run, TextWriter log)
{
    /// <summary>Where to write the trace of the rounds (spans, and each watched share's publishes and DOM hit), or null.</summary>
    public string? TraceFile { get; init; }

    /// <summary>Counts render batches (window.__renders) and notes when the share's chip and size show the wanted state.</summary>
    private const string PageProbe = """
        (() => {
          window.__renders = 0; window.__hits = []; window.__want = null;
          const Native = window.WebSocket;
          window.WebSocket = function (...args) {
            const socket = new Native(...args);
            socket.addEventListener('message', e => {
              const text = typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data);
              if (text.includes('JS.RenderBatch')) { window.__renders++; window.__lastBatch = performance.timeOrigin + performance.now(); }
            });
            return socket;
          };
          window.WebSocket.prototype = Native.prototype;
          Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
          const check = () => {
            if (window.__want === null) return;
            const chip = document.querySelector('[data-testid=share-status]');
            const size = document.querySelector('[data-testid=share-size]');
            if (chip && size && chip.textContent.trim().endsWith('available') && size.textContent.trim() === window.__want) {
              window.__hits.push({ want: window.__want, dom: performance.timeOrigin + performance.now(), batch: window.__lastBatch || 0 });
              window.__want = null;
            }
          };
          document.addEventListener('DOMContentLoaded', () =>
            new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true }));
        })();
        """;

    public async Task<OpenPagesResult> RunAsync(int pagesPerProject, int operations, int rounds, CancellationToken ct)
    {
        var result = new OpenPagesResult { PagesA = pagesPerProject, PagesB = pagesPerProject, Operations = operations * rounds };
        var (a, _) = await ContentionProject.CreateAsync(portal, run, "pagesA", 0, QuotaLimits.Unlimited, ct, portal.Tenant.UserId);
        var (b, _) = await ContentionProject.CreateAsync(portal, run, "pagesB", 0, QuotaLimits.Unlimited, ct, portal.Tenant.UserId);
        IBrowserContext? context = null;
        try
        {
            var sharesA = await SeedRowsAsync(a, pagesPerProject, ct);
            var sharesB = await CreateRealSharesAsync(b, operations, ct);
            context = await chromium.SignedInContextAsync(portal.BaseAddress, BenchPortal.TenantEmail, BenchPortal.Password);
            await context.AddInitScriptAsync(PageProbe);

            var (heap0, ws0) = PageBench.Measure();
            var pagesA = await OpenAsync(context, sharesA);
            var pagesB = await OpenAsync(context, sharesB.Take(pagesPerProject));
            await Task.Delay(1000, ct);
            var (heap1, ws1) = PageBench.Measure();
            result.HeapBytesPerSharePage = (heap1 - heap0) / (double)(2 * pagesPerProject);
            result.WorkingSetBytesPerSharePage = (ws1 - ws0) / (double)(2 * pagesPerProject);

            var publishes = new ConcurrentDictionary<Guid, ConcurrentQueue<double>>();
            using var subscription = portal.Get<ShareEvents>().Subscribe(change =>
            {
                publishes.GetOrAdd(change.ShareId, _ => new()).Enqueue(Clock.UnixMs());
                return Task.CompletedTask;
            });
            var rendersA0 = await SumAsync(pagesA, "window.__renders");
            var rendersB0 = await SumAsync(pagesB, "window.__renders");
            var resize = portal.Get<ResizeShareService>();
            var trace = ContentionTrace.Shared;
            var hits = new List<object>();
            trace.Start();
            for (var round = 1; round <= rounds; round++)
            {
                var size = 1 + round;
                var want = Fmt.Inv($"{size} GiB");
                await Task.WhenAll(pagesB.Select(p => p.EvaluateAsync("w => { window.__want = w; }", want)));
                var extends = await Task.WhenAll(sharesB.Select(id => resize.ExtendAsync(portal.Tenant, id, size.ToString(System.Globalization.CultureInfo.InvariantCulture), ct)));
                if (extends.FirstOrDefault(e => !e.Succeeded) is { } refused)
                    throw new InvalidOperationException($"An extend to {size} GiB was refused: {string.Join("; ", refused.Errors.Values)}");
                await Task.WhenAll(sharesB.Select(id => watch.WaitAsync(id, Final.ShareAvailable(id, size), TimeSpan.FromMinutes(3), ct)));
                for (var i = 0; i < pagesB.Count; i++)
                {
                    JsonElement hit;
                    try
                    {
                        var handle = await pagesB[i].WaitForFunctionAsync("w => window.__hits.find(h => h.want === w) || null", want,
                            new PageWaitForFunctionOptions { Timeout = 10_000, PollingInterval = 20 });
                        hit = await handle.JsonValueAsync<JsonElement>();
                    }
                    catch (TimeoutException)
                    {
                        result.Missed++;
                        continue;
                    }
                    var dom = hit.GetProperty("dom").GetDouble();
                    hits.Add(new
                    {
                        round, share = sharesB[i], dom = trace.FromUnix(dom), batch = trace.FromUnix(hit.GetProperty("batch").GetDouble()),
                        publishes = publishes.GetValueOrDefault(sharesB[i])?.Select(trace.FromUnix).ToList(),
                    });
                    // The final state's Publish is the share's last nudge before the page showed it.
                    var before = publishes.GetValueOrDefault(sharesB[i])?.Where(t => t <= dom + 1).ToList();
                    if (before is { Count: > 0 })
                    {
                        result.PublishToDom.Add(dom - before.Max());
                        var batch = hit.GetProperty("batch").GetDouble();
                        if (batch >= before.Max() && batch <= dom)
                        {
                            result.PublishToBatch.Add(batch - before.Max());
                            result.BatchToDom.Add(dom - batch);
                        }
                    }
                }
                await log.WriteLineAsync(Fmt.Inv($"  round {round}: {sharesB.Count} extends at once, {pagesB.Count} of them watched: {result.PublishToDom.Describe()}"));
            }
            await trace.StopAsync();
            if (TraceFile is { } file)
                await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { hits, spans = trace.Spans, pool = trace.Pool.ToList() }), ct);
            await Task.Delay(500, ct);
            result.RendersA = await SumAsync(pagesA, "window.__renders") - rendersA0;
            result.RendersB = await SumAsync(pagesB, "window.__renders") - rendersB0;
            await log.WriteLineAsync(Fmt.Inv($"  renders meanwhile: project A's {pagesA.Count} pages {result.RendersA}, project B's {pagesB.Count} pages {result.RendersB}; {result.HeapBytesPerSharePage / 1024:F0} KiB heap per share page"));
            foreach (var p in pagesA.Concat(pagesB))
                await p.CloseAsync();

            await MeasureIdleCircuitsAsync(context, result, pagesPerProject, ct);
        }
        finally
        {
            if (context is not null)
                await context.CloseAsync();
            await cleanup.ProjectAsync(a, ct);
            await cleanup.ProjectAsync(b, ct);
        }
        return result;
    }

    /// <summary>A circuit that shows little and subscribes to nothing: the new share page (the layout and one form).</summary>
    private async Task MeasureIdleCircuitsAsync(IBrowserContext context, OpenPagesResult result, int count, CancellationToken ct)
    {
        await Task.Delay(1000, ct);
        var (heap0, ws0) = PageBench.Measure();
        var pages = new List<IPage>();
        for (var i = 0; i < count; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("/shares/new");
            await Chromium.WaitInteractiveAsync(page);
            pages.Add(page);
        }
        await Task.Delay(1000, ct);
        var (heap1, ws1) = PageBench.Measure();
        result.IdleCircuits = count;
        result.HeapBytesPerIdleCircuit = (heap1 - heap0) / (double)count;
        result.WorkingSetBytesPerIdleCircuit = (ws1 - ws0) / (double)count;
        await log.WriteLineAsync(Fmt.Inv($"  {count} idle circuits (/shares/new): {result.HeapBytesPerIdleCircuit / 1024:F0} KiB heap, {result.WorkingSetBytesPerIdleCircuit / 1024:F0} KiB working set each"));
        foreach (var p in pages)
            await p.CloseAsync();
    }

    private static async Task<List<IPage>> OpenAsync(IBrowserContext context, IEnumerable<Guid> shares)
    {
        var pages = new List<IPage>();
        foreach (var id in shares)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync($"/shares/{id}");
            await Chromium.WaitInteractiveAsync(page);
            pages.Add(page);
        }
        return pages;
    }

    private static async Task<int> SumAsync(IEnumerable<IPage> pages, string expression)
    {
        var sum = 0;
        foreach (var p in pages)
            sum += await p.EvaluateAsync<int>(expression);
        return sum;
    }

    /// <summary>Available share rows with fake datasets (no host work): pages of project A only need something to show.</summary>
    private async Task<List<Guid>> SeedRowsAsync(Guid projectId, int count, CancellationToken ct)
    {
        await using var db = await portal.Db.CreateDbContextAsync(ct);
        var pool = portal.Backend.Pools[0];
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            db.Shares.Add(new Share
            {
                Id = id, ProjectId = projectId, Name = Fmt.Inv($"idle-{i:D2}"), Description = "", ShareTypeId = portal.DefaultShareTypeId,
                SizeGiB = 1, Status = ShareStatus.Available, BackendName = portal.Backend.Name, Pool = pool,
                Dataset = $"{pool}/{run.Prefix}{ContentionCleanup.FakeMark}{id:N}",
                ExportLocation = $"{portal.Backend.ShareExportIp}:/{pool}/{run.Prefix}{ContentionCleanup.FakeMark}{id:N}", CreatedByUserId = portal.Tenant.UserId,
                CreatedAt = DateTime.UtcNow, UpdatedAt = DateTime.UtcNow,
            });
            ids.Add(id);
        }
        await db.SaveChangesAsync(ct);
        return ids;
    }

    private async Task<List<Guid>> CreateRealSharesAsync(Guid projectId, int count, CancellationToken ct)
    {
        var creates = portal.Get<CreateShareService>();
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            creates.CreateAsync(portal.Tenant, new CreateShareRequest(projectId, portal.DefaultShareTypeId, Fmt.Inv($"busy-{i:D3}"), "", "1"), ct)));
        if (results.FirstOrDefault(r => !r.Succeeded) is { } refused)
            throw new InvalidOperationException($"A share for the open pages was refused: {string.Join("; ", refused.Errors.Values)}");
        var ids = results.Select(r => r.Id!.Value).ToList();
        await Task.WhenAll(ids.Select(id => watch.WaitAsync(id, Final.ShareAvailable(id, 1), TimeSpan.FromMinutes(3), ct)));
        return ids;
    }
}
