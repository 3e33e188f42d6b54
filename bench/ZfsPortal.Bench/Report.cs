using System.Globalization;
using System.Text;

namespace ZfsPortal.Bench;

internal sealed class BenchResults
{
    public string RunId { get; set; } = "";
    public string Command { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime FinishedAt { get; set; }
    public string LoadAvgEnd { get; set; } = "";
    public Dictionary<string, string> Machine { get; set; } = [];
    public Dictionary<string, int> PortalSettings { get; set; } = [];
    public List<PhaseLoad> Loads { get; } = [];
    public Dictionary<string, Series>? Floor { get; set; }
    public int FloorBusyRetries { get; set; }
    public int FloorConnections { get; set; }
    public Dictionary<string, Series>? Portal { get; set; }
    public Dictionary<string, Breakdown>? Breakdown { get; set; }
    public Dictionary<string, Series>? Manila { get; set; }
    public Dictionary<string, Series>? FloorUnguarded { get; set; }
    public Dictionary<string, Dictionary<string, int>>? ManilaCommands { get; set; }
    public string? ManilaUnavailable { get; set; }
    public ProbeResult? Probes { get; set; }
    public BurstResult? Burst { get; set; }
    public PushResult? Push { get; set; }
    public PageResult? Page { get; set; }
    public ContentionResult? Contention { get; set; }
    public int CleanedDatasets { get; set; }
    public int CleanedExports { get; set; }
    public bool Interrupted { get; set; }
    public List<string> Errors { get; } = [];
}

/// <summary>The run as Markdown: the tables docs/benchmarks.md quotes.</summary>
internal static class Report
{
    /// <summary>BurstTargetRatio: issue 14's, the portal's burst against the floor over as many connections (FloorGatedMs).</summary>
    public const double OverheadTargetMs = 150, BurstTargetRatio = 1.2, PushTargetMs = 250, PageTargetMs = 150;

    public static string Markdown(BenchResults r)
    {
        var md = new StringBuilder();
        void L(FormattableString line) => md.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        L($"## Run {r.RunId} ({r.StartedAt:yyyy-MM-dd HH:mm} UTC, {(r.FinishedAt - r.StartedAt).TotalMinutes:F1} min){(r.Interrupted ? " — INTERRUPTED" : "")}");
        L($"");
        L($"`{r.Command}`; {string.Join(", ", r.PortalSettings.Select(kv => $"{kv.Key}={kv.Value}"))}");
        L($"");
        L($"| phase | seconds | load avg before → after | machine busy (of 2 cores) | this process (bench + portal) | its Chromium | storage host (zfs-fuse, sshd, sudo, zfs) | kernel threads | other processes (top, in cores) |");
        L($"| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var p in r.Loads)
            L($"| {p.Phase} | {p.Seconds:F0} | {p.LoadAvgBefore} → {p.LoadAvgAfter} | {p.MachineBusyPercent:F0} % | {p.BenchPercent:F0} % | {p.BrowserCores * 100 / Environment.ProcessorCount:F0} % | {p.HostCores * 100 / Environment.ProcessorCount:F0} % | {p.KernelCores * 100 / Environment.ProcessorCount:F0} % | {p.OthersCores * 100 / Environment.ProcessorCount:F0} %{(p.OthersTop.Length > 0 ? $" ({p.OthersTop})" : "")} |");
        L($"");

        if (r.Floor is not null && r.Portal is not null)
        {
            L($"### Operations: button to final state (ms)");
            L($"");
            L($"| operation | floor median | floor p95 | portal median | portal p95 | n | portal ÷ floor | portal − floor | target ≤ floor + 150 | {PeerReport.Header} |");
            L($"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | {PeerReport.Align} |");
            foreach (var op in Ops.All)
            {
                var f = r.Floor[op];
                var p = r.Portal[op];
                var met = p.Median <= f.Median + OverheadTargetMs;
                L($"| {op} | {Fmt.Ms(f.Median)} | {Fmt.Ms(f.P95)} | {Fmt.Ms(p.Median)} | {Fmt.Ms(p.P95)} | {p.N} | {Fmt.X(p.Median / f.Median)} | {Fmt.Ms(p.Median - f.Median)} | {(p.N == 0 ? "—" : met ? "met" : "MISSED")} | {PeerReport.Cells(r, op, f, p)} |");
            }
            L($"");
            L($"Floor: {r.FloorBusyRetries} of its deletes needed a second `zfs destroy` (busy); it used {r.FloorConnections} connection(s).");
            L($"");
        }
        PeerReport.Section(r, L);

        if (r.Breakdown is not null)
        {
            L($"### Where the portal's time goes (medians, ms; from the portal's own Operation, step and host-command records)");
            L($"");
            L($"| operation | accept (service call) | button → claimed (accept transaction, dispatch, claim) | run (claimed → finished) | host commands in run | of which host time | host time − floor | run − host | finished → seen | steps |");
            L($"| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var op in Ops.All)
            {
                var b = r.Breakdown[op];
                var floor = r.Floor?.GetValueOrDefault(op)?.Median ?? double.NaN;
                L($"| {op} | {Fmt.Ms(b.Accept.Median)} | {Fmt.Ms(b.Queue.Median)} | {Fmt.Ms(b.Run.Median)} | {Fmt.F(b.HostCommands.Median, "F0")} | {Fmt.Ms(b.HostMs.Median)} | {Fmt.Ms(b.HostMs.Median - floor)} | {Fmt.Ms(b.RunOverhead.Median)} | {Fmt.Ms(b.Observe.Median)} | {Fmt.F(b.Steps.Median, "F0")} |");
            }
            L($"");
            L($"Host commands the portal ran per operation (mean count):");
            L($"");
            foreach (var op in Ops.All)
            {
                var b = r.Breakdown[op];
                var n = Math.Max(1, b.Run.N);
                L($"- {op}: {string.Join(", ", b.CommandCounts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} ×{kv.Value / (double)n:0.##}"))}");
            }
            L($"");
        }

        if (r.Probes is { } probes)
        {
            L($"### Probes: the parts operations are made of (ms)");
            L($"");
            L($"| probe | median | p95 | n |");
            L($"| --- | ---: | ---: | ---: |");
            foreach (var s in new[] { probes.HangfireEnqueue, probes.HangfireLatency, probes.PortalDbWrite, probes.PortalDbRead, probes.LockWaitDefault, probes.LockWaitBusyTimeout })
                L($"| {s.Name} | {Fmt.Ms(s.Median)} | {Fmt.Ms(s.P95)} | {s.N} |");
            L($"");
            L($"Hangfire backstop jobs of the operations above, before the idle figure: {probes.BackstopJobsSucceeded} ran (each finding its operation done) within {Fmt.F(probes.BackstopDrainSeconds, "F0")} s, the portal's process at {Fmt.F(probes.BackstopDrainCpuPercentOfOneCore)} % of one core meanwhile.");
            L($"");
            L($"Idle portal (nothing queued, no backstop due, no page open): {Fmt.F(probes.IdleCpuPercentOfOneCore)} % of one core over {Fmt.F(probes.IdleSeconds, "F0")} s (bench process, which hosts it).");
            L($"");
        }

        if (r.Burst is { } burst && burst.PortalMs > 0)
        {
            var ratio = burst.PortalMs / burst.FloorGatedMs;
            L($"### {burst.Count} shares requested at once");
            L($"");
            L($"| | ms |");
            L($"| --- | ---: |");
            L($"| floor, for reference: {burst.Count} × (zfs create + zfs get mountpoint), {burst.Workers} at once over {burst.Connections} connections | {Fmt.Ms(burst.FloorMs)} |");
            L($"| floor, for reference: the same one after another over one connection | {Fmt.Ms(burst.FloorSequentialOneConnectionMs)} |");
            L($"| floor with the portal's host gate: the same, {Math.Min(burst.Workers, Burst.HostGateWidth)} at once over {burst.Connections} connections | {Fmt.Ms(burst.FloorGatedMs)} |");
            if (burst.FloorUnguardedGatedMs > 0)
                L($"| floor without the guard (Manila's user, `sudo -n zfs`): the same, {Math.Min(burst.Workers, Burst.HostGateWidth)} at once over {burst.Connections} connections | {Fmt.Ms(burst.FloorUnguardedGatedMs)} |");
            L($"| portal: all {burst.Count} available | {Fmt.Ms(burst.PortalMs)} |");
            L($"| portal ÷ floor with the host gate (target ≤ {BurstTargetRatio}, issue 14) | {Fmt.X(ratio)} {(ratio <= BurstTargetRatio ? "met" : "MISSED")} |");
            L($"| portal ÷ floor {burst.Workers} at once, for reference | {Fmt.X(burst.PortalMs / burst.FloorMs)} |");
            if (burst.ManilaUnavailable is { } why)
                L($"| Manila's driver | {why.Replace("|", "\\|", StringComparison.Ordinal)} |");
            else if (burst.ManilaDone.N > 0)
            {
                L($"| Manila's driver: all {burst.ManilaDone.N} created, {burst.ManilaCommandsAtOnce} at once over {burst.ManilaConnections} connections (create_share as green threads; pool of {burst.ManilaWidth}) | {Fmt.Ms(burst.ManilaMs)} |");
                L($"| Manila ÷ floor with the host gate | {Fmt.X(burst.ManilaMs / burst.FloorGatedMs)} |");
                if (burst.FloorUnguardedGatedMs > 0)
                    L($"| Manila ÷ its floor without the guard, same width | {Fmt.X(burst.ManilaMs / burst.FloorUnguardedGatedMs)} |");
                L($"| portal ÷ Manila | {Fmt.F(burst.PortalMs / burst.ManilaMs, "F2")} |");
                L($"| Manila per share: created median / p95 (host commands in all: {burst.ManilaHostCommands}) | {Fmt.Ms(burst.ManilaDone.Median)} / {Fmt.Ms(burst.ManilaDone.P95)} |");
            }
            L($"| portal: all {burst.Count} requests accepted (service calls returned) | {Fmt.Ms(burst.PortalAllAcceptedMs)} |");
            L($"| portal: first job claimed | {Fmt.Ms(burst.FirstJobStartMs)} |");
            L($"| per request: accept median / p95 | {Fmt.Ms(burst.Accept.Median)} / {Fmt.Ms(burst.Accept.P95)} |");
            L($"| per share: available median / p95 | {Fmt.Ms(burst.Done.Median)} / {Fmt.Ms(burst.Done.P95)} |");
            L($"| per job: accepted → claimed, median / p95 | {Fmt.Ms(burst.Queue.Median)} / {Fmt.Ms(burst.Queue.P95)} |");
            L($"| per job: run median / p95 (host time median) | {Fmt.Ms(burst.Run.Median)} / {Fmt.Ms(burst.Run.P95)} ({Fmt.Ms(burst.HostMs.Median)}) |");
            L($"| host commands, total count / summed time | {burst.HostCommands} / {Fmt.Ms(burst.HostCommandMsSum)} |");
            L($"| portal connections open afterwards | {burst.PortalOpenConnections} |");
            L($"| {burst.Count} empty jobs enqueued at once (Hangfire + claim, no host work): all done | {Fmt.Ms(burst.EmptyJobsMs)} |");
            if (burst.FloorCores.Length == 3 && burst.PortalCores.Length == 3)
            {
                L($"| cores busy during the floor: machine / bench process / zfs-fuse | {Fmt.F(burst.FloorCores[0], "F2")} / {Fmt.F(burst.FloorCores[1], "F2")} / {Fmt.F(burst.FloorCores[2], "F2")} |");
                L($"| cores busy during the portal's: machine / bench process (the portal) / zfs-fuse | {Fmt.F(burst.PortalCores[0], "F2")} / {Fmt.F(burst.PortalCores[1], "F2")} / {Fmt.F(burst.PortalCores[2], "F2")} |");
            }
            if (burst.ManilaCores.Length == 3)
                L($"| cores busy during Manila's: machine / its harness (Python) / zfs-fuse | {Fmt.F(burst.ManilaCores[0], "F2")} / {Fmt.F(burst.ManilaCores[1], "F2")} / {Fmt.F(burst.ManilaCores[2], "F2")} |");
            if (burst.EmptyJobsCores.Length == 3)
            {
                L($"| cores busy during the empty jobs: machine / bench process (the portal) / zfs-fuse | {Fmt.F(burst.EmptyJobsCores[0], "F2")} / {Fmt.F(burst.EmptyJobsCores[1], "F2")} / {Fmt.F(burst.EmptyJobsCores[2], "F2")} |");
            }
            L($"");
        }

        if (r.Push is { } push && push.PublishToDom.N > 0)
        {
            L($"### State to browser (ms; target ≤ {PushTargetMs} at the median)");
            L($"");
            L($"| | median | p95 | n |");
            L($"| --- | ---: | ---: | ---: |");
            foreach (var s in new[] { push.PublishToDom, push.PublishToFrame, push.FinishToDom, push.PublishToDomDateNow })
                L($"| {s.Name} | {Fmt.Ms(s.Median)} | {Fmt.Ms(s.P95)} | {s.N} |");
            L($"");
            L($"{(push.PublishToDom.Median <= PushTargetMs ? "met" : "MISSED")}; missed samples: {push.Missed}.");
            L($"");
        }

        if (r.Page is { } page && page.Member.HttpMs.N > 0)
        {
            L($"### Shares page with {page.Shares} shares in {page.Projects} projects (target: first page ≤ {PageTargetMs} ms)");
            L($"");
            L($"| | member (in all {page.MemberProjects} projects) | admin |");
            L($"| --- | ---: | ---: |");
            void Row(string name, Func<PageUserResult, Series> pick) =>
                L($"| {name} | {Fmt.Ms(pick(page.Member).Median)} / {Fmt.Ms(pick(page.Member).P95)} (n={pick(page.Member).N}) | {Fmt.Ms(pick(page.Admin).Median)} / {Fmt.Ms(pick(page.Admin).P95)} (n={pick(page.Admin).N}) |");
            Row("GET /shares, prerendered HTML, median / p95 ms", u => u.HttpMs);
            L($"| rows in that HTML / size | {page.Member.RowsRendered} / {page.Member.HtmlBytes / 1024} KiB | {page.Admin.RowsRendered} / {page.Admin.HtmlBytes / 1024} KiB |");
            Row("browser: HTML received", u => u.NavHtml);
            Row("browser: DOMContentLoaded", u => u.NavDomContentLoaded);
            Row("browser: first contentful paint", u => u.NavFirstContentfulPaint);
            Row("browser: circuit live (interactive)", u => u.NavInteractive);
            L($"| memory per open page: managed heap / working set (KiB, {page.Member.OpenPages} pages) | {Fmt.F(page.Member.HeapBytesPerPage / 1024, "F0")} / {Fmt.F(page.Member.WorkingSetBytesPerPage / 1024, "F0")} | {Fmt.F(page.Admin.HeapBytesPerPage / 1024, "F0")} / {Fmt.F(page.Admin.WorkingSetBytesPerPage / 1024, "F0")} |");
            L($"");
            L($"First page: member {(page.Member.HttpMs.Median <= PageTargetMs ? "met" : "MISSED")}, admin {(page.Admin.HttpMs.Median <= PageTargetMs ? "met" : "MISSED")}.");
            L($"");
        }

        L($"Cleanup: {r.CleanedDatasets} dataset(s), {r.CleanedExports} export(s) removed at the end. Load average at the end: {r.LoadAvgEnd}.");
        if (r.Errors.Count > 0)
        {
            L($"");
            L($"Errors:");
            foreach (var e in r.Errors)
                L($"- {e.Split('\n')[0]}");
        }
        ContentionReport.Append(md, r.Contention);
        return md.ToString();
    }
}
