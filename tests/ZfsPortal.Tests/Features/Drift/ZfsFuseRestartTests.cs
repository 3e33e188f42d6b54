using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Testing;
using Xunit.Abstractions;

namespace ZfsPortal.Tests.Features.Drift;

/// <summary>
/// Issue 11 point 6's second half: the machine's zfs-fuse restarted under a whole portal (its reconciler every 2 s) with 20 shares
/// and 40 rules. A bare restart brings every pool back from the cache file with every dataset unmounted, while the kernel's export
/// table and the exports file keep their lines; so the shares' paths are empty until the portal mounts its datasets again (the
/// pool's root first) and exports them anew. Every share must be readable at its path with its rules in the table and the file
/// within 30 s of zfs answering again, with no user action, and available afterwards. It restarts the one daemon every test on
/// this machine uses, once; everything mounted before is mounted again, even when the test fails.
/// </summary>
[Collection("export-table-drills")]
public sealed class ZfsFuseRestartTests(StorageHostFixture host, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _prefix = $"{StorageHostFixture.TestDatasetPrefix}zr{Guid.NewGuid():N}"[..(StorageHostFixture.TestDatasetPrefix.Length + 10)] + "_";

    [Fact]
    public async Task After_a_zfs_fuse_restart_every_share_is_mounted_and_every_rule_exported_again_within_30_s()
    {
        var settings = new Dictionary<string, string?>
        {
            ["environment"] = "Development", ["Portal:ReconcileSeconds"] = "2", ["Portal:HealthCheckSeconds"] = "5",
        };
        using var portal = new TestPortal(host.Backend, PortalLookups.Password, settings, datasetPrefix: _prefix);
        var drill = await SharesWithRules.CreateAsync(portal, host.Backend, 20);
        var pool = host.Pool;

        List<string> lost;
        TimeSpan repair;
        HashSet<string> mountedAfter;
        await using (var restart = await ZfsFuseRestart.RestartAsync())
        {
            output.WriteLine($"zfs-fuse down for {restart.Down.TotalMilliseconds:0} ms");
            Assert.NotEmpty(await drill.LostAsync());
            // Other pools at once; the portal's pool is left to the portal until its root is mounted (a dataset mounted below an
            // unmounted root would keep the root from mounting).
            await restart.RestoreAsync(name => name == pool || name.StartsWith(pool + "/", StringComparison.Ordinal));
            (lost, repair) = await drill.WaitRepairedAsync(restart.AnsweringAt, Limit);
            mountedAfter = await ZfsFuseRestart.MountedNowAsync();
        }

        output.WriteLine($"{lost.Count} of {drill.Rules} rules (and {drill.Shares.Count} mounts) lost; all back {repair.TotalMilliseconds:0} ms after zfs answered");
        foreach (var l in lost)
            output.WriteLine($"  lost: {l}");
        // The last repairs finish their operation just after their last host command.
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); await RepairsUnderWayAsync(portal) && clock.Elapsed < Limit;)
            await Task.Delay(100);
        await using (var log = await portal.Db.CreateDbContextAsync())
        {
            foreach (var r in await log.ReconcileRuns.OrderBy(r => r.StartedAt).ToListAsync())
                output.WriteLine($"pass {r.StartedAt:HH:mm:ss.fff} {r.Trigger}: {r.DurationMs} ms, {r.Findings} found, {r.Repairs} queued {r.Failure}");
            foreach (var o in await log.Operations.Where(o => o.Kind == OperationKind.RepairShare).OrderBy(o => o.CreatedAt).ToListAsync())
                output.WriteLine($"repair {o.CreatedAt:HH:mm:ss.fff} started {o.StartedAt:HH:mm:ss.fff} finished {o.FinishedAt:HH:mm:ss.fff} {o.State} {o.RequestedByUserId} {o.Message}");
        }

        Assert.Empty(lost);
        Assert.True(repair < Limit, $"{repair}");
        // The portal mounted the pool's root before its shares, so the shares are in the pool's filesystem, not under it.
        Assert.Contains(pool, mountedAfter);
        Assert.Equal(drill.Shares.Count, await drill.AvailableAsync());
        Assert.Equal(drill.Rules, await drill.ActiveRulesAsync());
        await using var db = await portal.Db.CreateDbContextAsync();
        var commands = await db.HostCommands.Where(c => c.ExitCode == 0).Select(c => c.CommandLine).ToListAsync();
        foreach (var (_, dataset, _) in drill.Shares)
            Assert.Contains(commands, c => c.EndsWith($" mount {dataset}", StringComparison.Ordinal));
        Assert.True(await db.Operations.CountAsync(o => o.Kind == OperationKind.RepairShare && o.RequestedByUserId == "reconciler"
                                                        && o.State == OperationState.Succeeded) >= drill.Shares.Count);
    }

    private static async Task<bool> RepairsUnderWayAsync(TestPortal portal)
    {
        await using var db = await portal.Db.CreateDbContextAsync();
        return await db.Operations.AnyAsync(o => o.Kind == OperationKind.RepairShare
                                                 && (o.State == OperationState.Queued || o.State == OperationState.Running));
    }

    // By name, not by directory: a share the portal never mounted again has none.
    public void Dispose()
    {
        var listed = StorageHostFixture.RunLocalAsync("/usr/sbin/zfs", "list", "-H", "-o", "name", "-r", host.Pool).GetAwaiter().GetResult();
        foreach (var name in listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(n => n.StartsWith($"{host.Pool}/{_prefix}", StringComparison.Ordinal)))
            host.DestroyDatasetPatientlyAsync(name).GetAwaiter().GetResult();
    }
}
