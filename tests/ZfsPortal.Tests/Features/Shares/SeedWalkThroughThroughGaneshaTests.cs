using System.Globalization;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Storage;
using ZfsPortal.Tests.Support;

namespace ZfsPortal.Tests.Features.Shares;

/// <summary>
/// The seed's walk-through through the whole portal (accept steps, operations, the ganesha helper) on the Ganesha host,
/// with every claim about access checked by a real NFS client in a namespace of its own: the Hello World file is read
/// back over NFS from the share and from its copy, a deny is in force by the time the portal reports the rule gone, a
/// CRIT line of Ganesha reaches the rule's message, and the client's df follows extend and shrink.
/// </summary>
[Collection("ganesha-host")]
public sealed class SeedWalkThroughThroughGaneshaTests(GaneshaHostFixture ganesha) : IAsyncLifetime, IDisposable
{
    private const string Hello = "Hello World";
    private TestWorld? _world;
    private readonly List<NfsClient> _clients = [];

    [Fact]
    public async Task Ganesha_helper_serves_what_the_portal_reports_to_a_real_client_through_the_seed_walk_through()
    {
        _world = new TestWorld(new SshStorageHostFactory(ganesha.Connections, TimeProvider.System), ganesha.Backend);
        var world = _world;
        var client = await ClientAsync("198.18.0.61");
        var outsider = await ClientAsync("198.18.0.62");

        var (share, member, project) = await world.AvailableShareAsync("zfsvol", 1);
        var mountpoint = share.ExportLocation!.Split(':', 2)[1];
        Assert.Equal($"{GaneshaHostFixture.ServerIp}:{mountpoint}", share.ExportLocation);
        MakeWritable(mountpoint);

        // allow: active in the portal, and then the client writes and reads Hello World over NFS; an outsider cannot mount.
        Assert.True((await world.Access.AllowAsync(member, share.Id, client.Address, "rw")).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.Equal(AccessRuleState.Active, Assert.Single(world.RulesOf(share.Id)).State);
        var written = await client.WriteAsync(mountpoint + "/hello.txt", Hello, 1000);
        Assert.True(written.Ok, written.Output);
        Assert.Equal(Hello, (await client.ReadAsync(mountpoint + "/hello.txt")).Output);
        Assert.Contains("MNT3ERR_ACCES", (await outsider.ReadAsync(mountpoint + "/hello.txt")).Output, StringComparison.Ordinal);

        // snapshot, then a share from it that serves the snapshot's Hello World to its own client.
        var snapshotId = (await world.Snapshots.CreateAsync(member, share.Id, "snap1", null)).Id!.Value;
        await world.RunQueuedJobsAsync();
        var copyId = (await world.CreateShares.CreateAsync(member,
            new CreateShareRequest(project.Id, world.DefaultType.Id, "zfsvol-copy", null, "1", snapshotId))).Id!.Value;
        await world.RunQueuedJobsAsync();
        var copy = world.Share(copyId);
        var copyMountpoint = copy.ExportLocation!.Split(':', 2)[1];
        Assert.True((await world.Access.AllowAsync(member, copyId, outsider.Address, "ro")).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.Equal(Hello, (await outsider.ReadAsync(copyMountpoint + "/hello.txt")).Output);

        // extend and shrink: the client's FSSTAT (what df shows) reports the new size.
        Assert.True((await world.Resize.ExtendAsync(member, share.Id, "2")).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.InRange(await client.TotalBytesAsync(mountpoint), (2L << 30) - (16L << 20), 2L << 30);
        Assert.True((await world.Resize.ShrinkAsync(member, share.Id, "1")).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.InRange(await client.TotalBytesAsync(mountpoint), (1L << 30) - (16L << 20), 1L << 30);

        // A CRIT line of Ganesha about the export fails the sync, and its reason reaches the rule's message.
        var handmade = Path.Combine(ganesha.ExportsDir, "handmade.conf");
        await File.WriteAllTextAsync(handmade,
            $"EXPORT {{ Export_Id = 9; Path = \"{copyMountpoint}\"; Pseudo = \"{mountpoint}\"; FSAL {{ Name = VFS; }} CLIENT {{ Clients = 198.18.0.99; Access_Type = RO; }} }}\n");
        try
        {
            Assert.True((await world.Access.AllowAsync(member, share.Id, "198.18.0.64/26", "ro")).Succeeded);
            await world.RunQueuedJobsAsync();
            var failed = Assert.Single(world.RulesOf(share.Id), r => r.Target == "198.18.0.64/26");
            Assert.Equal(AccessRuleState.Error, failed.State);
            Assert.Contains($"Pseudo path ({mountpoint}) is a duplicate", failed.StateMessage, StringComparison.Ordinal);
            Assert.Equal(AccessRulesStatus.Error, world.Share(share.Id).AccessRulesStatus);
        }
        finally
        {
            File.Delete(handmade);
        }

        // deny every rule: once the portal reports them gone, the client is refused.
        foreach (var rule in world.RulesOf(share.Id))
            Assert.True((await world.Access.DenyAsync(member, rule.Id)).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.Empty(world.RulesOf(share.Id));
        Assert.Contains("MNT3ERR_ACCES", (await client.ReadAsync(mountpoint + "/hello.txt")).Output, StringComparison.Ordinal);

        // delete: the snapshot, then both shares; nothing is served for them any more.
        Assert.True((await world.Snapshots.DeleteAsync(member, snapshotId)).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.True((await world.DeleteShares.DeleteAsync(member, share.Id)).Succeeded);
        Assert.True((await world.DeleteShares.DeleteAsync(member, copyId)).Succeeded);
        await world.RunQueuedJobsAsync();
        Assert.False(world.ShareExists(share.Id));
        Assert.False(world.ShareExists(copyId));
        Assert.Contains("MNT3ERR_ACCES", (await outsider.ReadAsync(copyMountpoint + "/hello.txt")).Output, StringComparison.Ordinal);
    }

    private async Task<NfsClient> ClientAsync(string address)
    {
        var client = await ganesha.ClientAsync(address);
        _clients.Add(client);
        return client;
    }

    // As a tenant's first no_root_squash client would: the new dataset's root is root's, 0755.
    private static void MakeWritable(string mountpoint)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(mountpoint, (UnixFileMode)0b111_111_111);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
            await client.DisposeAsync();
    }

    public void Dispose() => _world?.Dispose();
}
