using System.Globalization;
using System.Text;

namespace ZfsPortal.Bench;

/// <summary>The contention phases as Markdown (docs/benchmarks.md, "Contention").</summary>
internal static class ContentionReport
{
    public const double CircuitsP95TargetMs = 1000, ServicesP95TargetMs = 500, PushP95TargetMs = 50;

    public static void Append(StringBuilder md, ContentionResult? c)
    {
        if (c is null)
            return;
        void L(FormattableString line) => md.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        L($"The browsers (one headless Chromium, a context per tenant) ran at nice {c.BrowserNice}{(c.BrowserNice > 0 ? ", below the portal, as users' own machines would be" : ", the portal's priority")}.");
        L($"");
        foreach (var (title, r) in new[] { ("Five tenants in five browsers press Create share at once (quota: 2 shares), first requests of a fresh portal", c.Five), ("The same five again, the portal warm", c.FiveWarm), ($"{c.Circuits?.Circuits} live circuits press Create share at once", c.Circuits) })
        {
            if (r is null)
                continue;
            L($"### {title}");
            L($"");
            L($"| | median | p95 | max | n |");
            L($"| --- | ---: | ---: | ---: | ---: |");
            foreach (var s in new[] { r.Answer, r.AnswerAccepted, r.AnswerRefused, r.ClickToServer, r.Handler, r.LastFrameToAnswer, r.LockWait, r.Held, r.Commit })
                L($"| {s.Name} | {Fmt.Ms(s.Median)} | {Fmt.Ms(s.P95)} | {Fmt.Ms(s.Max)} | {s.N} |");
            L($"");
            md.AppendLine(Fmt.Inv($"Answered {r.Answer.N} of {r.Circuits} ({r.Accepted} accepted, {r.RefusedForQuota} refused with the quota sentence, {r.OtherAnswers.Count} otherwise{(r.OtherAnswers.Count > 0 ? ": " + string.Join(" / ", r.OtherAnswers.Distinct()) : "")}, {r.Unanswered} unanswered within 60 s); ")
              + Fmt.Inv($"the project holds {r.SharesAfter} shares of its quota of {r.QuotaShares} afterwards ({(r.SharesAfter <= r.QuotaShares ? "never over quota" : "OVER QUOTA")}); ")
              + Fmt.Inv($"p95 {Fmt.Ms(r.Answer.P95)} ms against the target of {CircuitsP95TargetMs:F0} ms: **{(r.Unanswered == 0 && r.Answer.P95 <= CircuitsP95TargetMs ? "met" : "missed")}**. ")
              + Fmt.Inv($"The portal's process used {r.ProcessCpuMs:F0} ms of CPU from the click to the last answer ({r.ProcessCpuMs / r.Circuits:F0} ms a request, with the creates it started); ")
              + Fmt.Inv($"{r.DbCommands} database commands ({r.DbCommandMsSum:F0} ms summed); thread pool {r.PoolThreadsBefore} → {r.PoolThreadsMax} threads, up to {r.PoolPendingMax} queued work items, a 10 ms timer ran up to {Fmt.Ms(r.PoolTimerLateMax)} ms late (p95 {Fmt.Ms(r.PoolTimerLateP95)}); a dedicated thread's 10 ms sleep up to {Fmt.Ms(r.ThreadLateMax)} ms late; garbage collections paused the process {r.GcPauseMs:F0} ms in all (gen 0/1/2: {string.Join("/", r.GcCounts)}); Chromium's threads ran at nice {r.BrowserThreadsNice}."));
            L($"");
        }
        if (c.OpenPages is { } o)
        {
            L($"### {o.PagesA + o.PagesB} open share pages while {o.Operations} operations run ({o.PagesA} of project A idle, {o.PagesB} of project B's shares watched)");
            L($"");
            L($"| | median | p95 | max | n |");
            L($"| --- | ---: | ---: | ---: | ---: |");
            foreach (var part in new[] { o.PublishToDom, o.PublishToBatch, o.BatchToDom })
                L($"| {part.Name} | {Fmt.Ms(part.Median)} | {Fmt.Ms(part.P95)} | {Fmt.Ms(part.Max)} | {part.N} |");
            L($"");
            L($"Missed {o.Missed}; p95 {Fmt.Ms(o.PublishToDom.P95)} ms against {PushP95TargetMs:F0}: **{(o.Missed == 0 && o.PublishToDom.P95 <= PushP95TargetMs ? "met" : "missed")}**. Render batches received meanwhile: project A's pages {o.RendersA} (**{(o.RendersA == 0 ? "not re-rendered" : "RE-RENDERED")}**), project B's pages {o.RendersB}.");
            L($"");
            L($"| memory (bench process, after full compacting collections) | managed heap | working set |");
            L($"| --- | ---: | ---: |");
            L($"| per open share page ({o.PagesA + o.PagesB} open) | {o.HeapBytesPerSharePage / 1024:F0} KiB | {o.WorkingSetBytesPerSharePage / 1024:F0} KiB |");
            L($"| per idle circuit ({o.IdleCircuits} × /shares/new) | {o.HeapBytesPerIdleCircuit / 1024:F0} KiB | {o.WorkingSetBytesPerIdleCircuit / 1024:F0} KiB |");
            L($"");
        }
        if (c.Services is { } v)
        {
            L($"### {v.Requests} CreateAsync calls at once (quota: {v.QuotaShares} shares)");
            L($"");
            L($"| | median | p95 | max | n |");
            L($"| --- | ---: | ---: | ---: | ---: |");
            foreach (var s in new[] { v.Answer, v.LockWait, v.Held })
                L($"| {s.Name} | {Fmt.Ms(s.Median)} | {Fmt.Ms(s.P95)} | {Fmt.Ms(s.Max)} | {s.N} |");
            L($"");
            md.AppendLine(Fmt.Inv($"{v.Accepted} accepted, {v.RefusedForQuota} refused with the quota sentence, {v.OtherAnswers.Count} otherwise{(v.OtherAnswers.Count > 0 ? ": " + string.Join(" / ", v.OtherAnswers.Distinct()) : "")}; ")
              + Fmt.Inv($"{v.SharesAfter} shares afterwards ({(v.SharesAfter <= v.QuotaShares ? "never over quota" : "OVER QUOTA")}); p95 {Fmt.Ms(v.Answer.P95)} ms against {ServicesP95TargetMs:F0}: **{(v.Answer.P95 <= ServicesP95TargetMs ? "met" : "missed")}**; ")
              + Fmt.Inv($"the process used {v.ProcessCpuMs:F0} ms of CPU meanwhile ({v.ProcessCpuMs / v.Requests:F1} ms a call)."));
            L($"");
        }
    }
}
