using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Drift.Adopt;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Drift;

/// <summary>
/// The reconciler against the real host, with a dataset prefix of its own (so it judges only its datasets among every other test's
/// on the same pool): drift made behind the portal's back with the host's own zfs and exportfs, then found, reported and put back
/// through operations; the host and its exports file read back as root after each change.
/// </summary>
[Collection("storage-host")]
public sealed class ReconcileOnRealHostTests(StorageHostFixture host) : IDisposable
{
    private const string Zfs = "/usr/sbin/zfs";
    private readonly BackendOptions _backend = WithOwnPrefix(host.Backend);
    private TestWorld? _world;

    private TestWorld World => _world ??= new TestWorld(new SshStorageHostFactory(host.Connections, TimeProvider.System), _backend);

    [Fact]
    public async Task Drift_behind_the_portal_is_reported_then_put_back_by_repair_operations_and_a_gone_dataset_is_named()
    {
        var world = World;
        var (kept, member, project) = await world.AvailableShareAsync("kept", 1);
        var resized = await AnotherShareAsync(world, member, project, "resized");
        var destroyed = await AnotherShareAsync(world, member, project, "destroyed");
        foreach (var (share, client) in new[] { (kept, "203.0.113.21"), (resized, "203.0.113.22"), (destroyed, "203.0.113.23") })
            Assert.True((await world.Access.AllowAsync(member, share.Id, client, "rw")).Succeeded);
        Assert.True((await world.Access.AllowAsync(member, kept.Id, "198.51.100.0/24", "ro")).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.Equal(["198.51.100.0/24", "203.0.113.21"], FileClients(kept));
        Assert.Equal(["203.0.113.22"], FileClients(resized));

        // Nothing differs yet: a pass finds nothing and queues nothing.
        var clean = await world.Reconciler.RunAsync(_backend.Name, dryRun: false, "test", default);
        Assert.Null(clean.Failure);
        Assert.Equal(0, clean.Findings);

        // Behind the portal: a refquota changed and setuid turned on, an export and its file line dropped, a dataset destroyed.
        await Local(Zfs, "set", "refquota=3G", resized.Dataset!);
        await Local(Zfs, "set", "setuid=on", resized.Dataset!);
        await Local("/usr/sbin/exportfs", "-u", $"203.0.113.21:{kept.Mountpoint}");
        await Local(_backend.GuardPath, _backend.ExportsFile, "set", kept.Mountpoint!, $"198.51.100.0/24(ro,sync,no_subtree_check,root_squash)");
        await host.DestroyDatasetPatientlyAsync(destroyed.Dataset!);

        // A dry run reports the exact commands and changes nothing.
        var dry = await world.Reconciler.RunAsync(_backend.Name, dryRun: true, "test", default);
        Assert.Contains($"{_backend.ZfsPath} set refquota=1G {resized.Dataset}", dry.Commands, StringComparison.Ordinal);
        Assert.Contains($"{_backend.ZfsPath} set setuid=off {resized.Dataset}", dry.Commands, StringComparison.Ordinal);
        Assert.Contains($"{_backend.ExportfsPath} -o rw,sync,no_subtree_check,root_squash 203.0.113.21:{kept.Mountpoint}", dry.Commands, StringComparison.Ordinal);
        Assert.Contains($"{_backend.ExportsFile} set {kept.Mountpoint}", dry.Commands, StringComparison.Ordinal);
        Assert.Equal(0, dry.Repairs);
        Assert.Empty(world.Scheduler.Drain());
        Assert.Equal(3L << 30, long.Parse((await host.ZfsGetAsync(resized.Dataset!, "refquota"))!["refquota"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.DoesNotContain(await host.ExportsOfAsync(kept.Mountpoint!), e => e.Client == "203.0.113.21");

        // The real pass: each finding named, one repair operation per share, done by the reconciler.
        var changed = new ConcurrentBag<Guid>();
        using var subscription = world.Events.Subscribe(c => { changed.Add(c.ShareId); return Task.CompletedTask; });
        var pass = await world.Reconciler.RunAsync(_backend.Name, dryRun: false, "test", default);
        Assert.Equal(3, pass.Repairs);
        var findings = await FindingsAsync(world);
        Assert.Contains(findings, f => f.Kind == DriftKind.RefquotaDiffers && f.ShareId == resized.Id);
        Assert.Contains(findings, f => f.Kind == DriftKind.PropertyDiffers && f.ShareId == resized.Id && f.Message.Contains("setuid=on", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind == DriftKind.ExportsDiffer && f.ShareId == kept.Id);
        Assert.Contains(findings, f => f.Kind == DriftKind.ExportsFileDiffers && f.ShareId == kept.Id);
        Assert.Contains(findings, f => f.Kind == DriftKind.DatasetGone && f.ShareId == destroyed.Id);
        await world.RunQueuedJobsAsync();

        Assert.Equal(1L << 30, long.Parse((await host.ZfsGetAsync(resized.Dataset!, "refquota"))!["refquota"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("off", (await host.ZfsGetAsync(resized.Dataset!, "setuid"))!["setuid"]);
        Assert.Contains(await host.ExportsOfAsync(kept.Mountpoint!), e => e.Client == "203.0.113.21" && e.Options.Split(',').Contains("rw"));
        Assert.Equal(["198.51.100.0/24", "203.0.113.21"], FileClients(kept));
        var gone = world.Share(destroyed.Id);
        Assert.Equal(ShareStatus.Error, gone.Status);
        Assert.Contains($"The dataset {destroyed.Dataset} is gone", gone.StatusMessage, StringComparison.Ordinal);
        Assert.Contains(destroyed.Id, changed);
        Assert.Contains(kept.Id, changed);
        // The others are untouched: still available, their rules active.
        Assert.All(new[] { kept.Id, resized.Id }, id => Assert.Equal(ShareStatus.Available, world.Share(id).Status));
        Assert.All(world.RulesOf(kept.Id), r => Assert.Equal(AccessRuleState.Active, r.State));
        var repair = Assert.Single(world.OperationsOf(resized.Id), o => o.Kind == OperationKind.RepairShare);
        Assert.Equal((OperationState.Succeeded, "reconciler"), (repair.State, repair.RequestedByUserId));
        Assert.Contains(world.CommandsOf(repair.Id), c => c.CommandLine.Contains($"refquota=1G {resized.Dataset}", StringComparison.Ordinal));
        await using (var db = world.Db.CreateDbContext())
            Assert.Equal(3, await db.Audit.CountAsync(a => a.Action == "share.repair" && a.UserId == "reconciler"));

        // Once put right, the next pass finds only what it cannot repair.
        var after = await world.Reconciler.RunAsync(_backend.Name, dryRun: false, "test", default);
        Assert.Equal(0, after.Repairs);
        var left = Assert.Single(await FindingsAsync(world));
        Assert.Equal((DriftKind.DatasetGone, destroyed.Id), (left.Kind, left.ShareId));
    }

    [Fact]
    public async Task A_dataset_made_by_hand_is_listed_adopted_and_used_like_any_share_and_unmanage_keeps_the_data()
    {
        var world = World;
        var (other, member, project) = await world.AvailableShareAsync("other", 1);
        var manual = $"{host.Pool}/{_backend.DatasetPrefix}byhand";
        // As a person might make it: setuid and devices on, which the adopt turns off.
        await Local(Zfs, "create", "-o", "refquota=2G", "-o", "setuid=on", "-o", "devices=on", manual);
        await StorageHostFixture.WriteFileAsync(manual, "data.txt", Encoding.UTF8.GetBytes("made by hand"));
        await host.ExportLocallyAsync("192.0.2.44", "/" + manual, "ro,sync,no_subtree_check,root_squash");
        // Not ours: a dataset of another prefix is never listed.
        var foreign = host.NewDatasetName();
        await Local(Zfs, "create", foreign);

        await world.Reconciler.RunAsync(_backend.Name, dryRun: false, "test", default);
        var findings = await FindingsAsync(world);
        var unowned = Assert.Single(findings, f => f.Kind == DriftKind.UnownedDataset);
        Assert.Equal(manual, unowned.Dataset);
        Assert.Equal(2L << 30, unowned.SizeBytes);

        var adopted = await world.Adopt.AdoptAsync(world.Admin, new AdoptRequest(unowned.Id, project.Id, world.DefaultType.Id, "byhand"));
        Assert.True(adopted.Succeeded, adopted.Error);
        await world.RunQueuedJobsAsync();
        var share = world.Share(adopted.Id!.Value);
        Assert.Equal((ShareStatus.Available, 2, manual), (share.Status, share.SizeGiB, share.Dataset));
        var taken = Assert.Single(world.RulesOf(share.Id));
        Assert.Equal(("192.0.2.44", NfsAccessLevel.ReadOnly, AccessRuleState.Active), (taken.Target, taken.Level, taken.State));
        Assert.Equal(["192.0.2.44"], FileClients(share));
        var hardened = await host.ZfsGetAsync(manual, "setuid", "devices");
        Assert.Equal(("off", "off"), (hardened!["setuid"], hardened["devices"]));

        // Usable like any share: a rule, a snapshot, and (after unmanage and adopt again) a delete.
        Assert.True((await world.Access.AllowAsync(member, share.Id, "203.0.113.45", "rw")).Succeeded);
        var snapshot = await world.Snapshots.CreateAsync(member, share.Id, "s1", null);
        await world.RunQueuedJobsAsync();
        Assert.Equal(["192.0.2.44", "203.0.113.45"], FileClients(share));
        Assert.Equal(SnapshotStatus.Available, world.Snapshot(snapshot.Id!.Value)!.Status);
        Assert.True((await world.Snapshots.DeleteAsync(member, snapshot.Id!.Value)).Succeeded);
        await world.RunQueuedJobsAsync();

        // Unmanage: the portal forgets it, the dataset and its data stay, and it is listed again.
        var unmanaged = await world.Unmanage.UnmanageAsync(world.Admin, share.Id);
        Assert.True(unmanaged.Succeeded, unmanaged.Error);
        Assert.False(world.ShareExists(share.Id));
        Assert.Equal("made by hand", await File.ReadAllTextAsync($"/{manual}/data.txt"));
        await world.Reconciler.RunAsync(_backend.Name, dryRun: false, "test", default);
        var again = Assert.Single(await FindingsAsync(world), f => f.Kind == DriftKind.UnownedDataset);
        Assert.Equal(manual, again.Dataset);
        Assert.Equal(ShareStatus.Available, world.Share(other.Id).Status);

        var readopted = await world.Adopt.AdoptAsync(world.Admin, new AdoptRequest(again.Id, project.Id, world.DefaultType.Id, "byhand2"));
        await world.RunQueuedJobsAsync();
        Assert.Equal(2, world.RulesOf(readopted.Id!.Value).Count);
        Assert.True((await world.DeleteShares.DeleteAsync(member, readopted.Id!.Value)).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.Null(await host.ZfsGetAsync(manual, "name"));
        Assert.DoesNotContain(host.ReadExportsFile(), e => e.Path == "/" + manual);
        await host.DestroyDatasetPatientlyAsync(foreign);
    }

    private static BackendOptions WithOwnPrefix(BackendOptions backend)
    {
        backend.DatasetPrefix = $"{StorageHostFixture.TestDatasetPrefix}rc{Guid.NewGuid():N}"[..(StorageHostFixture.TestDatasetPrefix.Length + 10)] + "_";
        return backend;
    }

    private static async Task<Share> AnotherShareAsync(TestWorld world, ZfsPortal.Features.Account.CurrentUser member, Project project, string name)
    {
        var result = await world.RequestShareAsync(member, project, name, "1");
        await world.RunQueuedJobsAsync();
        return world.Share(result.Id!.Value);
    }

    private List<string> FileClients(Share share) =>
        [.. host.ReadExportsFile().Where(e => e.Path == share.Mountpoint).Select(e => e.Client).Order(StringComparer.Ordinal)];

    private static async Task<List<DriftFinding>> FindingsAsync(TestWorld world)
    {
        await using var db = world.Db.CreateDbContext();
        return await db.DriftFindings.AsNoTracking().ToListAsync();
    }

    private static async Task Local(string file, params string[] args)
    {
        var result = await StorageHostFixture.RunLocalAsync(file, args);
        Assert.True(result.ExitCode == 0, $"{file} {string.Join(' ', args)}: {result.Stderr}");
    }

    public void Dispose()
    {
        // Whatever a failed test left below this test's own prefix goes with the pool's test datasets.
        foreach (var dataset in Directory.Exists("/" + host.Pool)
                     ? Directory.GetDirectories("/" + host.Pool, _backend.DatasetPrefix + "*").Select(d => host.Pool + d[("/" + host.Pool).Length..])
                     : [])
            host.DestroyDatasetPatientlyAsync(dataset).GetAwaiter().GetResult();
        _world?.Dispose();
    }
}
