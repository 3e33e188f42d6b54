using ZfsPortal.Testing;

namespace ZfsPortal.Drills;

/// <summary>
/// Issue 11's zfs-fuse restart, repeated: 20 shares with 40 rules on the drill host, the machine's zfs-fuse restarted (SIGTERM, then
/// its own command line again: every pool back from the cache file, every dataset unmounted), and the time from zfs answering again
/// until every share is readable at its path and every rule is in the export table and the exports file, with nobody doing anything.
/// Lost = what is still missing after 30 s. Other pools are mounted again at once, the drill pool's other datasets once it is over.
/// Runs only when asked for with --only restart.
/// </summary>
internal static class RestartDrill
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static async Task<DrillRow> RunAsync(DrillHost host, string runId, int runs, TextWriter log, CancellationToken ct)
    {
        var row = new DrillRow("zfs-fuse restarted (20 shares, 40 rules)");
        await using var rig = await Rig.StartAsync(host, runId, "restart", ct,
            settings: new() { ["Portal:ReconcileSeconds"] = "2", ["Portal:HealthCheckSeconds"] = "5" });
        var drill = await SharesWithRules.CreateAsync(rig.Portal, host.Backend, 20, ct);
        for (var i = 0; i < runs; i++)
        {
            List<string> lost;
            TimeSpan repair, down;
            await using (var restart = await ZfsFuseRestart.RestartAsync(ct))
            {
                row.Runs++;
                row.Faults++;
                down = restart.Down;
                await restart.RestoreAsync(name => name == DrillHost.Pool || name.StartsWith(DrillHost.Pool + "/", StringComparison.Ordinal));
                (lost, repair) = await drill.WaitRepairedAsync(restart.AnsweringAt, Limit, ct);
            }

            row.Lost += lost.Count;
            if (lost.Count == 0)
                row.RecoverSeconds.Add(repair.TotalSeconds);
            var available = await drill.AvailableAsync(ct);
            if (available != drill.Shares.Count)
                row.Mismatches.Add(Rig.Inv($"run {i + 1}: {available} of {drill.Shares.Count} shares available after the repair"));
            row.Notes.Add(Rig.Inv($"run {i + 1}: zfs-fuse down {down.TotalSeconds:0.0} s; {lost.Count} of {drill.Rules} rules and {drill.Shares.Count} mounts lost, all back {repair.TotalSeconds:0.0} s after zfs answered")
                          + (lost.Count > 0 ? $" (still missing: {string.Join(", ", lost.Take(5))})" : ""));
            await rig.WaitSettledAsync(TimeSpan.FromMinutes(2), ct);
            row.Add(await Invariants.CheckAsync(rig, ct));
            await log.WriteLineAsync($"  restart {row.Notes[^1]}");
        }

        return row;
    }
}
