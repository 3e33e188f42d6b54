using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Features.Usage;
using ZfsPortal.Hosting;
using ZfsPortal.Provisioning.Cluster;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Backends;

/// <summary>
/// Checks every enabled backend and records up/down, the last check, the last time it was up (Manila's
/// heartbeat) and each pool's usable capacity. Placement skips backends found down. Then the backends found up give their
/// shares' usage to the usage history.
/// </summary>
public sealed class BackendHealthChecker(IDbContextFactory<PortalDbContext> dbFactory, IBackendProbe probe, TimeProvider time, UsageRecorder usage)
{
    public event Action? Checked;

    public async Task CheckAllAsync(CancellationToken ct)
    {
        List<Backend> backends;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            backends = await db.Backends.AsNoTracking().Where(b => b.Enabled).ToListAsync(ct);
        var reports = await Task.WhenAll(backends.Select(async b => (b.Id, Report: await probe.CheckHealthAsync(b.Settings, ct))));

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var (id, report) in reports)
            {
                var backend = await db.Backends.SingleOrDefaultAsync(b => b.Id == id, ct);
                if (backend is null)
                    continue;
                backend.Health = report.Up ? BackendHealth.Up : BackendHealth.Down;
                backend.HealthMessage = report.Up ? null : report.Problem;
                backend.LastCheckedAt = now;
                if (report.Up)
                {
                    backend.LastUpAt = now;
                    backend.PoolReadings = report.Pools
                        .Select(p => new PoolReading { Pool = p.Pool, AvailableBytes = p.AvailableBytes, UsedBytes = p.UsedBytes }).ToList();
                }
            }
            await db.SaveChangesAsync(ct);
        }
        Checked?.Invoke();
        await usage.RecordAsync([.. backends.Where(b => reports.Any(r => r.Id == b.Id && r.Report.Up)).Select(b => b.Settings)], ct);
    }
}

/// <summary>The recurring check: at start, then every <c>Portal:HealthCheckSeconds</c> (20 s by default).</summary>
public sealed class BackendHealthMonitor(BackendHealthChecker checker, IOptions<PortalOptions> options, TimeProvider time,
    ILogger<BackendHealthMonitor> log, SingleRunnerLease lease) : BackgroundService
{
    /// <summary>One node of several checks the backends (docs/adr/0025); another takes over three missed passes later.</summary>
    public const string LeaseName = "backend-health";

    private TimeSpan LeaseFor => TimeSpan.FromSeconds(3 * options.Value.HealthCheckSeconds);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Best effort, and never a failure of the stop: an unreleased lease only expires (another node then takes it).
        try { await lease.ReleaseAsync(LeaseName, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None); }
        catch (TimeoutException) { }
        catch (Exception ex) when (ex is not OperationCanceledException) { log.LogWarning(ex, "The health check's lease could not be released"); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HealthCheckSeconds), time);
        do
        {
            try
            {
                if (await lease.TryHoldAsync(LeaseName, LeaseFor, stoppingToken))
                    await checker.CheckAllAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A broken check must not stop the next one; the backends keep their last known state.
                log.LogError(ex, "The backend health check failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
