using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Hosting;

namespace ZfsPortal.Api.Monitoring;

/// <summary>
/// Ready when the portal's database answers, every migration is applied, and every enabled backend was found up by a
/// recent health check (within three check intervals, so a stopped monitor does not leave a stale "up"). The data names
/// each check's state and each backend by its name only: no tenant's data, no host address, no error text.
/// </summary>
public sealed class ReadinessCheck(IDbContextFactory<PortalDbContext> dbFactory, IOptions<PortalOptions> options, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var ready = true;
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            // Reads the migrations table: an unopenable or corrupt file fails here, where a bare open would not.
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
            data["database"] = "ok";
            data["migrations"] = pending == 0 ? "applied" : $"{pending} pending";
            ready &= pending == 0;

            var freshAfter = time.GetUtcNow().UtcDateTime - 3 * TimeSpan.FromSeconds(options.Value.HealthCheckSeconds);
            var backends = await db.Backends.AsNoTracking().Where(b => b.Enabled)
                .Select(b => new { b.Settings.Name, b.Health, b.LastCheckedAt }).ToListAsync(cancellationToken);
            foreach (var backend in backends.OrderBy(b => b.Name, StringComparer.Ordinal))
            {
                var state = backend.Health switch
                {
                    BackendHealth.Unknown => "not checked yet",
                    _ when backend.LastCheckedAt < freshAfter => "stale",
                    BackendHealth.Up => "up",
                    _ => "down",
                };
                data[$"backend:{backend.Name}"] = state;
                ready &= state == "up";
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            data["database"] = "unreachable";
            ready = false;
        }

        return ready ? HealthCheckResult.Healthy("ready", data) : HealthCheckResult.Unhealthy("not ready", data: data);
    }
}
