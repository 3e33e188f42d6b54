using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Shares.Create;

namespace ZfsPortal.Bench;

internal sealed class ContentionServiceResult
{
    public int Requests { get; set; }
    public int QuotaShares { get; set; }
    public int Accepted { get; set; }
    public int RefusedForQuota { get; set; }
    public List<string> OtherAnswers { get; } = [];
    public int SharesAfter { get; set; }
    public double ProcessCpuMs { get; set; }
    public Series Answer { get; } = new("CreateAsync at once → its result");
    public Series LockWait { get; } = new("BEGIN (write lock wait)");
    public Series Held { get; } = new("write transaction, BEGIN → end (lock held)");
}

/// <summary>
/// N <see cref="CreateShareService.CreateAsync"/> calls at once (the call the create page makes), each as its own
/// tenant, in one project whose shares quota admits only some: every call answered, p95, never over quota.
/// </summary>
internal sealed class ContentionServices(BenchPortal portal, ContentionTrace trace, ContentionCleanup cleanup, RunIds run, TextWriter log)
{
    public async Task<ContentionServiceResult> RunAsync(int requests, int quotaShares, CancellationToken ct)
    {
        var result = new ContentionServiceResult { Requests = requests, QuotaShares = quotaShares };
        var (projectId, emails) = await ContentionProject.CreateAsync(portal, run, $"services{requests}", requests, quotaShares, ct);
        try
        {
            List<CurrentUser> users;
            await using (var db = await portal.Db.CreateDbContextAsync(ct))
                users = await db.Users.Where(u => emails.Contains(u.Email!))
                    .Select(u => new CurrentUser(u.Id, u.Email!, false)).ToListAsync(ct);
            var creates = portal.Get<CreateShareService>();
            var type = portal.DefaultShareTypeId;
            trace.Start();
            var cpu0 = ContentionTrace.ProcessCpuMs();
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var calls = users.Select((user, i) => Task.Run(async () =>
            {
                await go.Task;
                var clock = Stopwatch.StartNew();
                var r = await creates.CreateAsync(user, new CreateShareRequest(projectId, type, Fmt.Inv($"s{i:D2}"), "", "1"), ct);
                return (Ms: clock.Elapsed.TotalMilliseconds, Result: r);
            }, ct)).ToList();
            await Task.Delay(100, ct);
            go.SetResult();
            var answers = await Task.WhenAll(calls);
            result.ProcessCpuMs = ContentionTrace.ProcessCpuMs() - cpu0;
            await trace.StopAsync();
            foreach (var (ms, r) in answers)
            {
                result.Answer.Add(ms);
                if (r.Succeeded)
                    result.Accepted++;
                else if (r.Errors.Values.Any(e => e.Contains("quota", StringComparison.Ordinal)))
                    result.RefusedForQuota++;
                else
                    result.OtherAnswers.Add(string.Join("; ", r.Errors.Values));
            }
            foreach (var s in trace.Spans.Where(s => s.Kind == "db: BEGIN (write lock wait)"))
                result.LockWait.Add(s.Ms);
            foreach (var s in trace.Spans.Where(s => s.Kind == "db: transaction (write lock held)"))
                result.Held.Add(s.Ms);
            await using (var db = await portal.Db.CreateDbContextAsync(ct))
                result.SharesAfter = await db.Shares.CountAsync(s => s.ProjectId == projectId, ct);
            await log.WriteLineAsync(Fmt.Inv($"  {requests} service calls at once, quota {quotaShares}: {result.Accepted} accepted, {result.RefusedForQuota} refused for quota, {result.OtherAnswers.Count} other; {result.Answer.Describe()}; lock wait {result.LockWait.Describe()}; {result.SharesAfter} shares after"));
        }
        finally
        {
            await cleanup.ProjectAsync(projectId, ct);
        }
        return result;
    }
}
