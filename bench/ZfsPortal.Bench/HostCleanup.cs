using ZfsPortal.Storage;

namespace ZfsPortal.Bench;

/// <summary>
/// Removes from the host everything this run made, found by the run's own dataset prefix (so it also finds what an
/// interrupted job created after the bench last looked): NFS export entries below those datasets, then the
/// datasets with their snapshots (children first). Nothing else on the shared host is touched. Only the commands the
/// portal itself sends (<see cref="ZfsCommands"/>), so a host whose guard admits nothing else is cleaned up too.
/// </summary>
internal static class HostCleanup
{
    public static async Task<(int Datasets, int Exports)> RunAsync(Remote remote, RunIds run, TextWriter log, CancellationToken ct)
    {
        var pool = remote.PoolName;
        var rows = await ListAsync(remote, ct);
        var mine = rows.Keys.Where(n => n.StartsWith($"{pool}/{run.Prefix}", StringComparison.Ordinal) && !n.Contains('@', StringComparison.Ordinal))
            .Select(n => (Name: n, Mountpoint: rows[n]["mountpoint"]))
            .ToList();
        var snapshots = rows.Keys.Where(n => n.StartsWith($"{pool}/{run.Prefix}", StringComparison.Ordinal) && n.Contains('@', StringComparison.Ordinal)).ToList();

        var exports = await remote.MustAsync(remote.Zfs.ListExports(), ct);
        var entries = ExportfsTable.Parse(exports.Stdout);
        var removedExports = 0;
        foreach (var entry in entries.Where(e => e.Path.Contains($"/{run.Prefix}", StringComparison.Ordinal)))
        {
            var r = await remote.RunAsync(remote.Zfs.Unexport(entry.Client, entry.Path), ct);
            if (r.ExitCode == 0)
                removedExports++;
            else
                await log.WriteLineAsync($"  could not unexport {entry.Client}:{entry.Path}: {r.Stderr.Trim()}");
        }

        // Snapshots first (a clone's origin stays until its clone is gone, so a second round), then the datasets, children
        // first. One at a time (see Burst.DestroyAllAsync: parallel unmounts once deadlocked zfs-fuse).
        var failures = new List<string>();
        foreach (var round in new[] { 1, 2 })
        {
            failures.Clear();
            foreach (var s in snapshots)
                await remote.RunAsync(remote.Zfs.DestroySnapshot(s), ct);
            foreach (var d in mine.OrderByDescending(d => d.Name.Length))
            {
                try { await remote.UnmountAndDestroyAsync(d.Name, ct); }
                catch (InvalidOperationException ex) { failures.Add(ex.Message); }
            }
            if (failures.Count == 0)
                break;
        }
        foreach (var f in failures)
            await log.WriteLineAsync("  " + f);
        return (mine.Count - failures.Count, removedExports);
    }

    /// <summary>How many filesystems the pool holds right now (zfs-fuse mounts at most 1000 in all).</summary>
    public static async Task<int> CountDatasetsAsync(Remote remote, CancellationToken ct)
    {
        var rows = await ListAsync(remote, ct);
        return rows.Count(r => r.Value.GetValueOrDefault("type") == "filesystem");
    }

    // `zfs get -r` of the pool: every dataset and snapshot with its type and mount point (zfs-fuse has no `zfs list -p`).
    private static async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> ListAsync(Remote remote, CancellationToken ct)
    {
        var r = await remote.MustAsync(remote.Zfs.GetPropertiesRecursive(remote.PoolName, ["type", "mountpoint"]), ct);
        return ZfsGetParser.Parse(r.Stdout);
    }
}
