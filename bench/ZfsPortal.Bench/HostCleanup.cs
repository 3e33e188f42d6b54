using ZfsPortal.Storage;

namespace ZfsPortal.Bench;

/// <summary>
/// Removes from the host everything this run made, found by the run's own dataset prefix (so it also finds what an
/// interrupted job created after the bench last looked): NFS export entries below those datasets, then the
/// datasets with their snapshots (children first). Nothing else on the shared host is touched.
/// </summary>
internal static class HostCleanup
{
    public static async Task<(int Datasets, int Exports)> RunAsync(Remote remote, RunIds run, TextWriter log, CancellationToken ct)
    {
        var pool = remote.PoolName;
        var list = await remote.MustAsync([remote.Backend.SudoPath, "-n", remote.Backend.ZfsPath, "list", "-H", "-o", "name,mountpoint", "-t", "filesystem", "-r", pool], ct);
        var mine = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t'))
            .Where(c => c.Length == 2 && c[0].StartsWith($"{pool}/{run.Prefix}", StringComparison.Ordinal))
            .Select(c => (Name: c[0], Mountpoint: c[1]))
            .ToList();

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

        // -r takes each dataset's snapshots along. One at a time (see Burst.DestroyAllAsync: parallel unmounts once
        // deadlocked zfs-fuse).
        var failures = new List<string>();
        foreach (var d in mine.OrderByDescending(d => d.Name.Length))
        {
            try { await remote.UnmountAndDestroyAsync(d.Name, ct, recursive: true); }
            catch (InvalidOperationException ex) { failures.Add(ex.Message); }
        }
        foreach (var f in failures)
            await log.WriteLineAsync("  " + f);
        return (mine.Count - failures.Count, removedExports);
    }

    /// <summary>How many filesystems the pool holds right now (zfs-fuse mounts at most 1000 in all).</summary>
    public static async Task<int> CountDatasetsAsync(Remote remote, CancellationToken ct)
    {
        var list = await remote.MustAsync([remote.Backend.SudoPath, "-n", remote.Backend.ZfsPath, "list", "-H", "-o", "name", "-t", "filesystem", "-r", remote.PoolName], ct);
        return list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }
}
