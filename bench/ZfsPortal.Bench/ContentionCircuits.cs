using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using ZfsPortal.Data;

namespace ZfsPortal.Bench;

internal sealed class ContentionCircuitResult
{
    public int Circuits { get; set; }
    public int QuotaShares { get; set; }
    public int Accepted { get; set; }
    public int RefusedForQuota { get; set; }
    public int Unanswered { get; set; }
    public List<string> OtherAnswers { get; } = [];
    /// <summary>Shares the project holds when read back after the burst (must be ≤ the quota).</summary>
    public int SharesAfter { get; set; }
    /// <summary>Click (all at one moment, by the browser's clock) → the browser shows the answer: the share page, or the quota sentence.</summary>
    public Series Answer { get; } = new("click → answer in the browser");
    public Series AnswerAccepted { get; } = new("… accepted (the share page)");
    public Series AnswerRefused { get; } = new("… refused (the quota sentence)");
    /// <summary>Click → the click's event reaches its circuit on the server (Blazor's inbound activity starts).</summary>
    public Series ClickToServer { get; } = new("click → event at its circuit");
    /// <summary>The click's handler on the server (inbound activity: the form's submit, the accept step, the navigation).</summary>
    public Series Handler { get; } = new("handler on the server");
    /// <summary>Server → page: the click → the first WebSocket message after the click's handler ended (the answer's render, or the navigation).</summary>
    public Series LastFrameToAnswer { get; } = new("last message in → answer in the DOM (the page's own work)");
    /// <summary>Waits for SQLite's write lock (BEGIN IMMEDIATE) in the window, and the commits.</summary>
    public Series LockWait { get; } = new("BEGIN (write lock wait)");
    public Series Commit { get; } = new("COMMIT");
    public Series Held { get; } = new("write transaction, BEGIN → end (lock held)");
    /// <summary>CPU the bench's process (the portal, with the creates the burst started) used from the click until all were answered.</summary>
    public double ProcessCpuMs { get; set; }
    public int DbCommands { get; set; }
    public double DbCommandMsSum { get; set; }
    public int PoolThreadsBefore { get; set; }
    public int PoolThreadsMax { get; set; }
    public long PoolPendingMax { get; set; }
    /// <summary>How late a 10 ms timer's continuation ran on the thread pool (p95, max): queueing behind busy or blocked threads.</summary>
    public double PoolTimerLateP95 { get; set; } = double.NaN;
    public double PoolTimerLateMax { get; set; } = double.NaN;
    /// <summary>The same on a dedicated thread: how late the machine itself ran a 10 ms sleep (CPU contention, not the pool).</summary>
    public double ThreadLateMax { get; set; } = double.NaN;
    /// <summary>The runtime's garbage collections meanwhile: time every thread was paused, and gen 0/1/2 counts.</summary>
    public double GcPauseMs { get; set; }
    public int[] GcCounts { get; set; } = [];
    /// <summary>The nice values Chromium's threads had while the answers came (Machine.ChromiumNice).</summary>
    public string BrowserThreadsNice { get; set; } = "";
}

/// <summary>
/// Point 3 and the first part of point 2 of issue 14: N tenants, each in their own Chromium context with a live
/// circuit on /shares/new, press "Create share" at the same moment in one project whose shares quota admits only
/// some. Every request must be answered (the share page, or the quota sentence) and the project never over quota.
/// The trace says where the server spent the time.
/// </summary>
internal sealed class ContentionCircuits(BenchPortal portal, Chromium chromium, ContentionTrace trace, ContentionCleanup cleanup, RunIds run, TextWriter log)
{
    private static int _runs;

    /// <summary>Where to write every span of the trace (for a closer look), or null.</summary>
    public string? TraceFile { get; init; }

    /// <summary>Notes when each message of the circuit's WebSocket arrives in the page (before Blazor handles it).</summary>
    private const string FrameClock = """
        (() => {
          window.__frames = [];
          const Native = window.WebSocket;
          window.WebSocket = function (...args) {
            const socket = new Native(...args);
            socket.addEventListener('message', () => window.__frames.push(performance.timeOrigin + performance.now()));
            return socket;
          };
          window.WebSocket.prototype = Native.prototype;
          Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
        })();
        """;

    private const string Arm = """
        (at) => {
          window.__answer = null;
          const button = document.querySelector('[data-testid=create-share-submit]');
          setTimeout(() => {
            const clicked = performance.timeOrigin + performance.now();
            const check = () => {
              if (window.__answer) return;
              const now = performance.timeOrigin + performance.now();
              if (/^\/shares\/[0-9a-f-]{36}$/.test(location.pathname)) {
                window.__answer = { outcome: 'accepted', clicked, at: now, text: location.pathname, frames: window.__frames.filter(f => f >= clicked) };
                return;
              }
              const form = document.querySelector('form');
              const text = form ? form.innerText : '';
              const formError = document.querySelector('[data-testid=form-error]');
              if (text.includes('quota')) window.__answer = { outcome: 'refused', clicked, at: now, text: text.slice(text.indexOf('The project'), text.indexOf('The project') + 160), frames: window.__frames.filter(f => f >= clicked) };
              else if (formError) window.__answer = { outcome: 'other', clicked, at: now, text: formError.innerText };
            };
            new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
            button.click();
          }, Math.max(0, at - Date.now()));
        }
        """;

    public async Task<ContentionCircuitResult> RunAsync(int circuits, int quotaShares, CancellationToken ct)
    {
        var result = new ContentionCircuitResult { Circuits = circuits, QuotaShares = quotaShares };
        var (projectId, emails) = await ContentionProject.CreateAsync(portal, run, Fmt.Inv($"circuits{Interlocked.Increment(ref _runs)}x{circuits}"), circuits, quotaShares, ct);
        var contexts = new List<IBrowserContext>();
        try
        {
            var pages = new List<IPage>();
            for (var i = 0; i < circuits; i++)
            {
                var context = await chromium.SignedInContextAsync(portal.BaseAddress, emails[i], BenchPortal.Password);
                await context.AddInitScriptAsync(FrameClock);
                contexts.Add(context);
                var page = await context.NewPageAsync();
                await page.GotoAsync("/shares/new");
                await Chromium.WaitInteractiveAsync(page);
                await page.Locator("#share-name").FillAsync(Fmt.Inv($"c{i:D2}"));
                await page.Locator("#share-size").FillAsync("1");
                await page.Locator("[data-testid=create-share-submit]:not([disabled])").WaitForAsync();
                pages.Add(page);
            }
            await Task.Delay(500, ct); // the last page's circuit settles
            trace.Start();
            var cpu0 = ContentionTrace.ProcessCpuMs();
            var gc0 = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            result.PoolThreadsBefore = ThreadPool.ThreadCount;
            var at = Clock.UnixMs() + 1000;
            await Task.WhenAll(pages.Select(p => p.EvaluateAsync(Arm, at)));
            var answers = await Task.WhenAll(pages.Select(async p =>
            {
                try
                {
                    var handle = await p.WaitForFunctionAsync("() => window.__answer", null,
                        new PageWaitForFunctionOptions { Timeout = 60_000, PollingInterval = 50 });
                    return (JsonElement?)await handle.JsonValueAsync<JsonElement>();
                }
                catch (TimeoutException)
                {
                    return null;
                }
            }));
            result.ProcessCpuMs = ContentionTrace.ProcessCpuMs() - cpu0;
            result.BrowserThreadsNice = Machine.ChromiumNice();
            result.GcPauseMs = (GC.GetTotalPauseDuration() - gc0.Item1).TotalMilliseconds;
            result.GcCounts = [GC.CollectionCount(0) - gc0.Item2, GC.CollectionCount(1) - gc0.Item3, GC.CollectionCount(2) - gc0.Item4];
            await Task.Delay(200, ct);
            await trace.StopAsync();
            Summarize(result, answers, trace.FromUnix(at));

            await using (var db = await portal.Db.CreateDbContextAsync(ct))
                result.SharesAfter = await db.Shares.CountAsync(s => s.ProjectId == projectId, ct);
            await log.WriteLineAsync(Fmt.Inv($"  {circuits} circuits at once, quota {quotaShares}: {result.Accepted} accepted, {result.RefusedForQuota} refused for quota, {result.Unanswered} unanswered; answer {result.Answer.Describe()}; {result.SharesAfter} shares after"));
            await log.WriteLineAsync(Fmt.Inv($"    click → circuit {result.ClickToServer.Describe()}; handler {result.Handler.Describe()}; lock wait {result.LockWait.Describe()}; pool threads {result.PoolThreadsBefore} → {result.PoolThreadsMax}, pending ≤ {result.PoolPendingMax}, timer late p95/max {result.PoolTimerLateP95:F0}/{result.PoolTimerLateMax:F0} ms"));
        }
        finally
        {
            foreach (var c in contexts)
                await c.CloseAsync();
            await cleanup.ProjectAsync(projectId, ct);
        }
        return result;
    }

    private void Summarize(ContentionCircuitResult result, IReadOnlyList<JsonElement?> answers, double clickAt)
    {
        foreach (var a in answers)
        {
            if (a is not { } answer)
            {
                result.Unanswered++;
                continue;
            }
            var ms = answer.GetProperty("at").GetDouble() - answer.GetProperty("clicked").GetDouble();
            var frames = answer.GetProperty("frames").EnumerateArray().Select(f => f.GetDouble()).ToList();
            if (frames.Count > 0)
                result.LastFrameToAnswer.Add(answer.GetProperty("at").GetDouble() - frames.Max());
            result.Answer.Add(ms);
            switch (answer.GetProperty("outcome").GetString())
            {
                case "accepted": result.Accepted++; result.AnswerAccepted.Add(ms); break;
                case "refused": result.RefusedForQuota++; result.AnswerRefused.Add(ms); break;
                default: result.OtherAnswers.Add(answer.GetProperty("text").GetString() ?? ""); break;
            }
        }
        var spans = trace.Spans;
        // The click is the first event each circuit gets after the moment (Blazor counts the event's arrival and its
        // handler as two inbound activities that start together; the longer is the handler).
        foreach (var handler in spans.Where(s => s.Kind == "circuit: inbound activity" && s.Start >= clickAt - 50)
                     .GroupBy(s => s.Detail).Select(g => g.OrderBy(s => s.Start).Take(2).MaxBy(s => s.Ms)!))
        {
            result.ClickToServer.Add(handler.Start - clickAt);
            result.Handler.Add(handler.Ms);
        }
        foreach (var s in spans.Where(s => s.Kind == "db: BEGIN (write lock wait)"))
            result.LockWait.Add(s.Ms);
        foreach (var s in spans.Where(s => s.Kind == "db: COMMIT"))
            result.Commit.Add(s.Ms);
        foreach (var s in spans.Where(s => s.Kind == "db: transaction (write lock held)"))
            result.Held.Add(s.Ms);
        if (TraceFile is { } file)
            File.WriteAllText(file, JsonSerializer.Serialize(new { clickAt, spans, pool = trace.Pool.ToList() }));
        var commands = spans.Where(s => s.Kind.StartsWith("db: ", StringComparison.Ordinal) && s.Detail.Length > 0).ToList();
        result.DbCommands = commands.Count;
        result.DbCommandMsSum = commands.Sum(s => s.Ms);
        var timer = new Series("timer late");
        foreach (var s in spans.Where(s => s.Kind == "pool: 10 ms timer"))
            timer.Add(s.Ms - 10);
        result.PoolTimerLateP95 = timer.P95;
        result.PoolTimerLateMax = timer.Max;
        var pool = trace.Pool.ToList();
        if (pool.Count > 0)
        {
            result.PoolThreadsMax = pool.Max(p => p.Threads);
            result.PoolPendingMax = pool.Max(p => p.Pending);
            result.ThreadLateMax = pool.Max(p => p.TimerLateMs);
        }
    }
}
