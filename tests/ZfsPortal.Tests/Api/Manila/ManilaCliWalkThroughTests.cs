using System.Text.RegularExpressions;
using ZfsPortal.Data;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Api.Manila;

/// <summary>
/// The seed's walk-through typed as the seed types it, with Debian's real <c>manila</c> client against the portal on a
/// real port and the real storage host: each step checks what the client prints and what the host holds.
/// </summary>
[Collection("storage-host")]
public sealed partial class ManilaCliWalkThroughTests(StorageHostFixture host) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-manila-");
    private TestPortal _portal = null!;
    private ManilaCli _admin = null!, _tenant = null!;
    private PortalWaits _waits = null!;

    public async Task InitializeAsync()
    {
        _portal = PortalLookups.Start(host, _data);
        var url = _portal.StartOnKestrel();
        _waits = new PortalWaits(_portal, Wait);
        _admin = new ManilaCli(url, await ManilaCli.TokenAsync(_portal, TestPortal.AdminEmail));
        _tenant = new ManilaCli(url, await ManilaCli.TokenAsync(_portal, TestPortal.TenantEmail));
    }

    [Fact]
    public async Task The_seed_walk_through_works_from_the_manila_client()
    {
        Assert.Contains("zfs", await _admin.RunAsync("type-create", "zfs", "False"), StringComparison.Ordinal);
        await _admin.RunAsync("type-key", "zfs", "set", $"share_backend_name={host.Backend.Name}");
        Assert.Contains($"share_backend_name : {host.Backend.Name}", await _admin.RunAsync("extra-specs-list"), StringComparison.Ordinal);

        var created = await _tenant.RunAsync("create", "NFS", "5", "--name", "zfsvol", "--share-type", "zfs");
        var shareId = Guid.Parse(ManilaCli.Field(created, "id"));
        var share = await _waits.ShareAsync(shareId, s => s.Status == ShareStatus.Available);
        Assert.Equal(PortalWaits.Gib(5), (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);
        var shown = await _tenant.RunAsync("show", "zfsvol");
        Assert.Equal("available", ManilaCli.Field(shown, "status"));
        Assert.Contains(share.ExportLocation!, shown, StringComparison.Ordinal);
        Assert.Contains("zfsvol", await _tenant.RunAsync("list"), StringComparison.Ordinal);
        var mountpoint = share.ExportLocation!.Split(':', 2)[1];

        var allowed = await _tenant.RunAsync("access-allow", "zfsvol", "ip", "192.0.2.154");
        var ruleId = Guid.Parse(ManilaCli.Field(allowed, "id"));
        await _waits.ShareAsync(shareId, s => s.AccessRulesStatus == AccessRulesStatus.Active);
        Assert.Contains(await host.ExportsOfAsync(mountpoint), e => e.Client == "192.0.2.154" && e.Options.Split(',').Contains("rw"));
        var rules = await _tenant.RunAsync("access-list", "zfsvol");
        Assert.Matches(@"192\.0\.2\.154\s*\|\s*rw\s*\|\s*active", rules);
        Assert.Contains(share.ExportLocation!, await _tenant.RunAsync("share-export-location-list", "zfsvol"), StringComparison.Ordinal);

        var snapshotId = Guid.Parse(ManilaCli.Field(await _tenant.RunAsync("snapshot-create", "zfsvol", "--name", "s1"), "id"));
        await _waits.SnapshotAsync(snapshotId, SnapshotStatus.Available);
        Assert.Single(await host.ZfsSnapshotsAsync(share.Dataset!));
        var copyId = Guid.Parse(ManilaCli.Field(await _tenant.RunAsync("create", "NFS", "5", "--name", "fromsnap", "--snapshot-id", snapshotId.ToString()), "id"));
        var copy = await _waits.ShareAsync(copyId, s => s.Status == ShareStatus.Available);
        Assert.Equal(snapshotId, copy.SourceSnapshotId);
        Assert.NotNull(await host.ZfsGetAsync(copy.Dataset!, "refquota"));

        await _tenant.RunAsync("extend", "zfsvol", "6");
        await _waits.ShareAsync(shareId, s => s.Status == ShareStatus.Available && s.SizeGiB == 6);
        Assert.Equal(PortalWaits.Gib(6), (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);
        await _tenant.RunAsync("shrink", "zfsvol", "5");
        await _waits.ShareAsync(shareId, s => s.Status == ShareStatus.Available && s.SizeGiB == 5);
        Assert.Equal(PortalWaits.Gib(5), (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);

        await _tenant.RunAsync("access-deny", "zfsvol", ruleId.ToString());
        await _waits.ShareAsync(shareId, s => s.AccessRulesStatus == AccessRulesStatus.Active);
        Assert.DoesNotContain(await host.ExportsOfAsync(mountpoint), e => e.Client == "192.0.2.154");

        await _tenant.RunAsync("delete", "fromsnap");
        await _waits.ShareGoneAsync(copyId);
        Assert.Null(await host.ZfsGetAsync(copy.Dataset!, "refquota"));
        await _tenant.RunAsync("snapshot-delete", "s1");
        await _waits.SnapshotAsync(snapshotId, null);
        Assert.Empty(await host.ZfsSnapshotsAsync(share.Dataset!));
        await _tenant.RunAsync("delete", "zfsvol");
        await _waits.ShareGoneAsync(shareId);
        Assert.Null(await host.ZfsGetAsync(share.Dataset!, "refquota"));

        var quotas = await _tenant.RunAsync("quota-show", "--tenant", TestPortal.DemoProject);
        Assert.Matches(@"\|\s*gigabytes\s*\|\s*1000\s*\|", quotas);
        Assert.Matches($@"{Regex.Escape(host.Backend.Name)}\s*\|\s*zfsportal\s*\|\s*enabled\s*\|\s*up", await _admin.RunAsync("service-list"));

        // A share no pool can hold fails on placement; the failure is a user message, as in the share page.
        var tooBigId = Guid.Parse(ManilaCli.Field(await _tenant.RunAsync("create", "NFS", "900", "--name", "toobig", "--share-type", "zfs"), "id"));
        var tooBig = await _waits.ShareAsync(tooBigId, s => s.Status == ShareStatus.Error);
        var messages = await _tenant.RunAsync("message-list");
        Assert.Contains(tooBigId.ToString(), messages, StringComparison.Ordinal);
        Assert.Matches(@"\|\s*SHARE\s*\|", messages);
        Assert.NotNull(tooBig.StatusMessage);
        await _tenant.RunAsync("delete", "toobig");
        await _waits.ShareGoneAsync(tooBigId);
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
