namespace ZfsPortal.Bench;

internal sealed class ContentionResult
{
    /// <summary>Issue 14's report: five tenants in five browsers, two admitted by the quota.</summary>
    public ContentionCircuitResult? Five { get; set; }
    public ContentionCircuitResult? FiveWarm { get; set; }
    public ContentionCircuitResult? Circuits { get; set; }
    public ContentionServiceResult? Services { get; set; }
    public OpenPagesResult? OpenPages { get; set; }
    /// <summary>The nice value the browsers ran at (BenchOptions.BrowserNice).</summary>
    public int BrowserNice { get; set; }
}

/// <summary>Issue 14 point 2 (a) and point 3: the contention phases, each its own phase in the load table.</summary>
internal static class ContentionPhases
{
    public static async Task RunAsync(BenchPortal portal, ShareWatch watch, Remote remote, RunIds run, BenchOptions options, Chromium? chromium,
        ContentionResult into, Func<string, Func<Task>, Task> phase, TextWriter log, CancellationToken ct)
    {
        var cleanup = new ContentionCleanup(portal, remote);
        var trace = ContentionTrace.Shared;
        into.BrowserNice = options.BrowserNice;
        if (chromium is not null)
        {
            await phase("contention: 5 browsers", async () =>
            {
                await log.WriteLineAsync("Contention: five tenants press Create share at the same moment, quota admits two");
                into.Five = await new ContentionCircuits(portal, chromium, trace, cleanup, run, log) { TraceFile = TraceFile(options, run, "five") }.RunAsync(5, 2, ct);
            });
            await phase($"contention: {options.Circuits} circuits", async () =>
            {
                await log.WriteLineAsync($"Contention: {options.Circuits} live circuits press Create share at once, quota admits {options.Circuits * 2 / 5}");
                into.Circuits = await new ContentionCircuits(portal, chromium, trace, cleanup, run, log) { TraceFile = TraceFile(options, run, "circuits") }.RunAsync(options.Circuits, options.Circuits * 2 / 5, ct);
            });
        }
        if (chromium is not null)
            await phase("contention: 5 browsers again", async () =>
            {
                await log.WriteLineAsync("Contention: the same five again, the portal warm");
                into.FiveWarm = await new ContentionCircuits(portal, chromium, trace, cleanup, run, log) { TraceFile = TraceFile(options, run, "five-warm") }.RunAsync(5, 2, ct);
            });
        if (chromium is not null)
            await phase("contention: 50 open pages, 200 operations", async () =>
            {
                await log.WriteLineAsync("Contention: 25 share pages of project A and 25 of project B open while B's 100 shares are extended at once, twice");
                into.OpenPages = await new OpenPagesUnderLoad(portal, watch, chromium, cleanup, run, log) { TraceFile = TraceFile(options, run, "open-pages") }.RunAsync(25, 100, 2, ct);
            });
        await phase("contention: 50 service calls", async () =>
        {
            await log.WriteLineAsync("Contention: 50 CreateAsync calls at once, quota admits 20");
            into.Services = await new ContentionServices(portal, trace, cleanup, run, log).RunAsync(50, 20, ct);
        });
    }

    private static string TraceFile(BenchOptions options, RunIds run, string name)
    {
        Directory.CreateDirectory(options.OutDirectory);
        return Path.Combine(options.OutDirectory, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{run.Id}-contention-{name}-trace.json");
    }
}
