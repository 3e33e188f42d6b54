using System.Diagnostics;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Bench;

/// <summary>
/// The floor of each operation: its essential host commands, back to back, over one kept-open connection of the
/// project's <see cref="SshConnectionPool"/>. One lifecycle per sample, in the same order as the portal's.
/// <paramref name="tag"/> keeps the datasets of a second floor (<see cref="PeerFloor"/>) apart from the first's.
/// </summary>
internal sealed class Floors(Remote remote, RunIds run, string tag = "")
{
    public Dictionary<string, Series> Results { get; } = Ops.All.ToDictionary(o => o, o => new Series(o));

    /// <summary>Destroys that needed more than one try (zfs-fuse's "dataset is busy").</summary>
    public int BusyRetries { get; private set; }

    public async Task LifecycleAsync(int i, bool counted, CancellationToken ct)
    {
        var zfs = remote.Zfs;
        var b = remote.Backend;
        var ds = run.FloorDataset(remote.PoolName, tag + "s", i);
        var copy = run.FloorDataset(remote.PoolName, tag + "c", i);
        var snapName = Fmt.Inv($"snap{i:D3}");
        var snap = $"{ds}@{snapName}";
        var client = new NfsClientRule(AccessTarget.Parse(Fmt.Inv($"203.0.113.{(i % 250) + 1}")), NfsAccessLevel.ReadWrite, RootSquash: true);

        async Task Time(string op, Func<Task> body)
        {
            var clock = Stopwatch.StartNew();
            await body();
            if (counted)
                Results[op].Add(clock.Elapsed.TotalMilliseconds);
        }

        string mountpoint = "";
        await Time(Ops.Create, async () =>
        {
            await remote.MustAsync(zfs.CreateDataset(ds, DatasetProperties.ForNewShare(b, new Dictionary<string, string>(), 1)), ct);
            mountpoint = await remote.MountpointAsync(ds, ct);
        });
        await Time(Ops.Allow, async () =>
        {
            await remote.MustAsync(zfs.Export(client, mountpoint), ct);
            var table = ExportfsTable.Parse((await remote.MustAsync(zfs.ListExports(), ct)).Stdout);
            if (!ExportfsTable.For(table, mountpoint).Any(e => e.Client == client.Target.Canonical))
                throw new InvalidOperationException($"exportfs -v does not list {client.Target}:{mountpoint} after exporting it.");
            // As the portal does last on a host whose guard keeps the exports file (ADR 16): the rules a reboot brings back.
            if (zfs.KeepsExportsFile)
                await remote.MustAsync(zfs.PersistExports(mountpoint, [client]), ct);
        });
        await Time(Ops.Deny, async () =>
        {
            await remote.MustAsync(zfs.Unexport(client.Target.Canonical, mountpoint), ct);
            var table = ExportfsTable.Parse((await remote.MustAsync(zfs.ListExports(), ct)).Stdout);
            if (ExportfsTable.For(table, mountpoint).Count != 0)
                throw new InvalidOperationException($"exportfs -v still lists {mountpoint} after unexporting it.");
            if (zfs.KeepsExportsFile)
                await remote.MustAsync(zfs.PersistExports(mountpoint, []), ct);
        });
        await Time(Ops.SnapCreate, () => remote.MustAsync(zfs.CreateSnapshot(snap), ct));
        await Time(Ops.FromSnapshot, async () =>
        {
            // As the portal copies: through the host guard one call that runs the pipeline itself; without one a shell pipe.
            if (zfs.GuardedCopy(snap, copy) is { } guarded)
                await remote.MustAsync(guarded, ct);
            else
                await remote.PipelineAsync(zfs.Send(snap), zfs.Receive(copy), ct);
            await remote.MustAsync(zfs.DestroySnapshot($"{copy}@{snapName}"), ct);
            await remote.MustAsync(zfs.SetProperty(copy, "refquota", "1G"), ct);
        });
        await Time(Ops.Extend, () => remote.MustAsync(zfs.SetProperty(ds, "refquota", "2G"), ct));
        await Time(Ops.Shrink, async () =>
        {
            var referenced = long.Parse(Remote.ParseValue((await remote.MustAsync(zfs.GetProperties(ds, ["referenced"]), ct)).Stdout, "referenced"),
                System.Globalization.CultureInfo.InvariantCulture);
            if (referenced > DatasetProperties.GiB(1))
                throw new InvalidOperationException("The floor's dataset holds more than 1 GiB.");
            await remote.MustAsync(zfs.SetProperty(ds, "refquota", "1G"), ct);
        });
        await Time(Ops.Delete, async () => CountRetries(await remote.UnmountAndDestroyAsync(copy, ct)));
        await Time(Ops.SnapDelete, () => remote.MustAsync(zfs.DestroySnapshot(snap), ct));
        await Time(Ops.Delete, async () => CountRetries(await remote.UnmountAndDestroyAsync(ds, ct)));
    }

    private void CountRetries(int attempts)
    {
        if (attempts > 1)
            BusyRetries++;
    }
}

internal static class RemotePipelines
{
    /// <summary><c>FIRST | SECOND</c> as one command on the host, joined like the portal joins it.</summary>
    public static async Task<RemoteResult> PipelineAsync(this Remote remote, IReadOnlyList<string> first, IReadOnlyList<string> second, CancellationToken ct)
    {
        var line = ShellQuote.Pipeline(first, second);
        var r = await remote.RunLineAsync(line, ct);
        return r.ExitCode == 0 ? r : throw new InvalidOperationException($"`{line}` failed (exit {r.ExitCode}): {r.Stderr.Trim()}");
    }
}
