using Microsoft.Extensions.Options;
using ZfsPortal.Hosting;

namespace ZfsPortal.Features.Snapshots.Schedules;

/// <summary>
/// Runs <see cref="SnapshotScheduleRunner"/> at start (catching up what a downtime missed, once) and every
/// <c>Portal:SnapshotScheduleSeconds</c> on every node that runs jobs; passes of two nodes at once are harmless (the claim).
/// </summary>
public sealed class SnapshotScheduleLoop(
    SnapshotScheduleRunner runner, IOptions<PortalOptions> options, TimeProvider time, ILogger<SnapshotScheduleLoop> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SnapshotScheduleSeconds), time);
        do
        {
            try
            {
                await runner.RunDueAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // portal.db locked or unavailable: the next pass catches up.
                log.LogWarning(ex, "Taking scheduled snapshots failed; trying again in {Seconds} s", options.Value.SnapshotScheduleSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
