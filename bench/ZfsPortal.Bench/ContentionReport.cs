using System.Globalization;
using System.Text;

namespace ZfsPortal.Bench;

/// <summary>The contention phases as Markdown (docs/benchmarks.md, "Contention").</summary>
internal static class ContentionReport
{
    public const double CircuitsP95TargetMs = 1000, ServicesP95TargetMs = 500;

    public static void Append(StringBuilder md, ContentionResult? c)
    {
        if (c is null)
            return;
        void L(FormattableString line) => md.AppendLine(line.ToString(CultureInfo.InvariantCulture));
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
              + Fmt.Inv($"{r.DbCommands} database commands ({r.DbCommandMsSum:F0} ms summed); thread pool {r.PoolThreadsBefore} → {r.PoolThreadsMax} threads, up to {r.PoolPendingMax} queued work items, a 10 ms timer ran up to {Fmt.Ms(r.PoolTimerLateMax)} ms late (p95 {Fmt.Ms(r.PoolTimerLateP95)}); a dedicated thread's 10 ms sleep up to {Fmt.Ms(r.ThreadLateMax)} ms late."));
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
              + Fmt.Inv($"{v.SharesAfter} shares afterwards ({(v.SharesAfter <= v.QuotaShares ? "never over quota" : "OVER QUOTA")}); p95 {Fmt.Ms(v.Answer.P95)} ms against {ServicesP95TargetMs:F0}: **{(v.Answer.P95 <= ServicesP95TargetMs ? "met" : "missed")}**."));
            L($"");
        }
    }
}
