using System.Globalization;
using System.Text;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Shares;

/// <summary>
/// The seed's nine operations through the portal's services and jobs, against the real host over SSH,
/// each read back with local zfs and exportfs — once per NFS helper.
/// </summary>
[Collection("storage-host")]
public sealed class SeedWalkThroughOnRealHostTests(StorageHostFixture host) : IAsyncLifetime, IDisposable
{
    private TestWorld? _world;

    [Theory]
    [InlineData("exportfs")]
    [InlineData("sharenfs")]
    public async Task All_nine_operations_leave_the_host_as_the_portal_says(string nfsHelper)
    {
        var backend = host.Backend;
        backend.NfsHelper = nfsHelper;
        _world = new TestWorld(new SshStorageHostFactory(host.Connections, TimeProvider.System), backend);
        var world = _world;

        // 1. Create share: 5 GiB, refquota on the host.
        var (share, member, project) = await world.AvailableShareAsync("zfsvol", 5);
        Assert.Equal(ShareStatus.Available, share.Status);
        Assert.Equal(Gib(5), (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);
        var mountpoint = share.ExportLocation!.Split(':', 2)[1];

        // 2. Allow NFS access: the export table lists the client with rw.
        Assert.True((await world.Access.AllowAsync(member, share.Id, "203.0.113.154", "rw")).Succeeded);
        Assert.True((await world.Access.AllowAsync(member, share.Id, "198.51.100.0/24", "ro")).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.All(world.RulesOf(share.Id), r => Assert.Equal(AccessRuleState.Active, r.State));
        var exports = await host.ExportsOfAsync(mountpoint);
        Assert.Contains(exports, e => e.Client == "203.0.113.154" && e.Options.Split(',').Contains("rw"));
        Assert.Contains(exports, e => e.Client == "198.51.100.0/24" && e.Options.Split(',').Contains("ro"));
        if (nfsHelper == "sharenfs")
            Assert.Contains("203.0.113.154", (await host.ZfsGetAsync(share.Dataset!, "sharenfs"))!["sharenfs"], StringComparison.Ordinal);

        // 4. Create snapshot, after writing a file the copy must carry.
        await StorageHostFixture.WriteFileAsync(share.Dataset!, "hello.txt", Encoding.UTF8.GetBytes("from the seed"));
        var snapshotId = (await world.Snapshots.CreateAsync(member, share.Id, "snap1", null)).Id!.Value;
        await world.RunQueuedJobsAsync();
        var snapshot = world.Snapshot(snapshotId)!;
        Assert.Equal(SnapshotStatus.Available, snapshot.Status);
        Assert.Contains(snapshot.ZfsName, await host.ZfsSnapshotsAsync(share.Dataset!));

        // 6. Create share from snapshot: an independent copy holding the file.
        var copyId = (await world.CreateShares.CreateAsync(member,
            new CreateShareRequest(project.Id, world.DefaultType.Id, "zfsvol-copy", null, "5", snapshotId))).Id!.Value;
        await world.RunQueuedJobsAsync();
        var copy = world.Share(copyId);
        Assert.Equal(ShareStatus.Available, copy.Status);
        Assert.Equal("from the seed", await File.ReadAllTextAsync(Path.Combine(copy.ExportLocation!.Split(':', 2)[1], "hello.txt")));
        Assert.Equal("-", (await host.ZfsGetAsync(copy.Dataset!, "origin"))!["origin"]);
        Assert.Empty(await host.ZfsSnapshotsAsync(copy.Dataset!));

        // 7. Extend, 8. shrink.
        Assert.True((await world.Resize.ExtendAsync(member, share.Id, "6")).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.Equal(Gib(6), (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);
        Assert.True((await world.Resize.ShrinkAsync(member, share.Id, "5")).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.Equal((ShareStatus.Available, 5), (world.Share(share.Id).Status, world.Share(share.Id).SizeGiB));
        Assert.Equal(Gib(5), (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);

        // 3. Deny NFS access: the client is gone from the table.
        foreach (var rule in world.RulesOf(share.Id))
            Assert.True((await world.Access.DenyAsync(member, rule.Id)).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.Empty(world.RulesOf(share.Id));
        Assert.Empty(await host.ExportsOfAsync(mountpoint));

        // 5. Delete snapshot, 1b. delete both shares: nothing of theirs is left on the host.
        Assert.True((await world.Snapshots.DeleteAsync(member, snapshotId)).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.Empty(await host.ZfsSnapshotsAsync(share.Dataset!));
        Assert.True((await world.DeleteShares.DeleteAsync(member, share.Id)).Succeeded);
        Assert.True((await world.DeleteShares.DeleteAsync(member, copyId)).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.False(world.ShareExists(share.Id));
        Assert.False(world.ShareExists(copyId));
        Assert.Null(await host.ZfsGetAsync(share.Dataset!, "refquota"));
        Assert.Null(await host.ZfsGetAsync(copy.Dataset!, "refquota"));
        Assert.DoesNotContain(mountpoint, await host.ExportfsAsync(), StringComparison.Ordinal);
    }

    private static string Gib(int n) => (n * (1L << 30)).ToString(CultureInfo.InvariantCulture);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_world is null)
            return;
        // Only if an assertion stopped the walk-through half way: leave nothing behind on the host.
        await using (var db = _world.Db.CreateDbContext())
            foreach (var dataset in db.Shares.Where(s => s.Dataset != null).OrderByDescending(s => s.CreatedAt).Select(s => s.Dataset!).ToList())
                await host.DestroyDatasetAsync(dataset);
        await host.UnexportTestPathsAsync();
    }

    public void Dispose() => _world?.Dispose();
}
