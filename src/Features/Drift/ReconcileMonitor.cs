using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Hosting;
using ZfsPortal.Provisioning.Cluster;

namespace ZfsPortal.Features.Drift;

/// <summary>
/// Reconciles each enabled backend when it comes up (the first health check that finds it up after the portal starts, or after it
/// was down) and then every <c>Portal:ReconcileSeconds</c> (60 by default; 0: only when it comes up), like Manila's
/// <c>ensure_shares</c> at a share service's start. It looks every few seconds and at once after each health check.
/// </summary>
public sealed class ReconcileMonitor(
    IDbContextFactory<PortalDbContext> dbFactory, Reconciler reconciler, BackendHealthChecker health, IOptions<PortalOptions> options,
    TimeProvider time, ILogger<ReconcileMonitor> log, SingleRunnerLease lease) : BackgroundService
{
    /// <summary>One node at a time reconciles (several nodes share one database: ADR 25); renewed at every look, so 30 s is ample.</summary>
    public const string LeaseName = "reconciler";
    private static readonly TimeSpan LeaseFor = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (DateTime? LastRun, bool WasDown)> _seen = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _nudge = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void Nudge()
        {
            if (_nudge.CurrentCount == 0)
                try { _nudge.Release(); } catch (SemaphoreFullException) { }
        }

        health.Checked += Nudge;
        try
        {
            var every = options.Value.ReconcileSeconds;
            var look = TimeSpan.FromSeconds(every <= 0 ? 5 : Math.Clamp(every / 4.0, 1, 5));
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PassDueAsync(every, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A broken pass must not stop the next one.
                    log.LogError(ex, "The reconcile monitor failed");
                }

                await _nudge.WaitAsync(look, stoppingToken);
            }
        }
        finally
        {
            health.Checked -= Nudge;
        }
    }

    private async Task PassDueAsync(int every, CancellationToken ct)
    {
        if (!await lease.TryHoldAsync(LeaseName, LeaseFor, ct))
        {
            // Another node reconciles; should it die, this one takes over with a pass of its own ("portal start").
            _seen.Clear();
            return;
        }
        List<(string Name, BackendHealth Health)> backends;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            backends = (await db.Backends.AsNoTracking().Where(b => b.Enabled).Select(b => new { b.Settings.Name, b.Health }).ToListAsync(ct))
                .Select(b => (b.Name, b.Health)).ToList();
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var (name, state) in backends)
        {
            var seen = _seen.GetValueOrDefault(name);
            if (state != BackendHealth.Up)
            {
                _seen[name] = (seen.LastRun, WasDown: seen.LastRun is not null);
                continue;
            }

            string? trigger = seen.LastRun is null ? "portal start" : seen.WasDown ? "backend up" : null;
            if (trigger is null && every > 0 && now - seen.LastRun >= TimeSpan.FromSeconds(every))
                trigger = $"every {every} s";
            if (trigger is null)
                continue;
            await reconciler.RunAsync(name, dryRun: false, trigger, ct);
            _seen[name] = (time.GetUtcNow().UtcDateTime, false);
        }
    }
}
