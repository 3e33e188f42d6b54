using System.Text.Json;
using ZfsPortal.Data;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Api.Manila;

/// <summary>
/// The seed's walk-through with Debian's <c>openstack share …</c> (python3-openstackclient and the manila plugin),
/// signed in through the portal's Keystone subset, against the real storage host: each step checks the client's JSON
/// output and what the host holds.
/// </summary>
[Collection("storage-host")]
public sealed class OpenStackCliWalkThroughTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-openstack-");
    private TestPortal _portal = null!;
    private ManilaCli _admin = null!, _tenant = null!;
    private PortalWaits _waits = null!;

    public Task InitializeAsync()
    {
        _portal = PortalLookups.Start(host, _data);
        var url = _portal.StartOnKestrel();
        _waits = new PortalWaits(_portal, TimeSpan.FromSeconds(90));
        _admin = ManilaCli.WithKeystone(url, TestPortal.AdminEmail, PortalLookups.Password, TestPortal.DemoProject, ManilaCli.OpenStackCommand);
        _tenant = ManilaCli.WithKeystone(url, TestPortal.TenantEmail, PortalLookups.Password, TestPortal.DemoProject, ManilaCli.OpenStackCommand);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_seed_walk_through_works_from_openstack_share_commands()
    {
        Assert.Equal("zfs", (await JsonAsync(_admin, "share", "type", "create", "zfs", "False")).GetProperty("name").GetString());
        await _admin.RunAsync("share", "type", "set", "zfs", "--extra-specs", $"share_backend_name={host.Backend.Name}");
        var type = await JsonAsync(_admin, "share", "type", "show", "zfs");
        Assert.Equal(host.Backend.Name, type.GetProperty("optional_extra_specs").GetProperty("share_backend_name").GetString());

        var shareId = Guid.Parse((await JsonAsync(_tenant, "share", "create", "NFS", "5", "--name", "zfsvol", "--share-type", "zfs")).GetProperty("id").GetString()!);
        var share = await _waits.ShareAsync(shareId, s => s.Status == ShareStatus.Available);
        Assert.Equal(PortalWaits.Gib(5), (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);
        var shown = await JsonAsync(_tenant, "share", "show", "zfsvol");
        Assert.Equal("available", shown.GetProperty("status").GetString());
        Assert.Contains(share.ExportLocation!, shown.GetProperty("export_locations").ToString(), StringComparison.Ordinal);
        Assert.Contains((await JsonAsync(_tenant, "share", "list")).EnumerateArray(), s => s.GetProperty("Name").GetString() == "zfsvol");
        var mountpoint = share.ExportLocation!.Split(':', 2)[1];

        var ruleId = Guid.Parse((await JsonAsync(_tenant, "share", "access", "create", "zfsvol", "ip", "192.0.2.154")).GetProperty("id").GetString()!);
        await _waits.ShareAsync(shareId, s => s.AccessRulesStatus == AccessRulesStatus.Active);
        Assert.Contains(await host.ExportsOfAsync(mountpoint), e => e.Client == "192.0.2.154" && e.Options.Split(',').Contains("rw"));
        var rule = (await JsonAsync(_tenant, "share", "access", "list", "zfsvol")).EnumerateArray().Single();
        Assert.Equal(("192.0.2.154", "rw", "active"), (rule.GetProperty("Access To").GetString(), rule.GetProperty("Access Level").GetString(), rule.GetProperty("State").GetString()));
        Assert.Contains((await JsonAsync(_tenant, "share", "export", "location", "list", "zfsvol")).EnumerateArray(),
            l => l.GetProperty("Path").GetString() == share.ExportLocation);

        var snapshotId = Guid.Parse((await JsonAsync(_tenant, "share", "snapshot", "create", "zfsvol", "--name", "s1")).GetProperty("id").GetString()!);
        await _waits.SnapshotAsync(snapshotId, SnapshotStatus.Available);
        Assert.Single(await host.ZfsSnapshotsAsync(share.Dataset!));
        var copyId = Guid.Parse((await JsonAsync(_tenant, "share", "create", "NFS", "5", "--name", "fromsnap", "--snapshot-id", snapshotId.ToString()))
            .GetProperty("id").GetString()!);
        var copy = await _waits.ShareAsync(copyId, s => s.Status == ShareStatus.Available);
        Assert.Equal(snapshotId, copy.SourceSnapshotId);
        Assert.NotNull(await host.ZfsGetAsync(copy.Dataset!, "refquota"));

        await _tenant.RunAsync("share", "resize", "zfsvol", "6");
        await _waits.ShareAsync(shareId, s => s.Status == ShareStatus.Available && s.SizeGiB == 6);
        Assert.Equal(PortalWaits.Gib(6), (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);
        await _tenant.RunAsync("share", "resize", "zfsvol", "5");
        await _waits.ShareAsync(shareId, s => s.Status == ShareStatus.Available && s.SizeGiB == 5);
        Assert.Equal(PortalWaits.Gib(5), (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);

        await _tenant.RunAsync("share", "access", "delete", "zfsvol", ruleId.ToString());
        await _waits.ShareAsync(shareId, s => s.AccessRulesStatus == AccessRulesStatus.Active);
        Assert.DoesNotContain(await host.ExportsOfAsync(mountpoint), e => e.Client == "192.0.2.154");

        await _tenant.RunAsync("share", "delete", "fromsnap");
        await _waits.ShareGoneAsync(copyId);
        Assert.Null(await host.ZfsGetAsync(copy.Dataset!, "refquota"));
        await _tenant.RunAsync("share", "snapshot", "delete", "s1");
        await _waits.SnapshotAsync(snapshotId, null);
        Assert.Empty(await host.ZfsSnapshotsAsync(share.Dataset!));
        await _tenant.RunAsync("share", "delete", "zfsvol");
        await _waits.ShareGoneAsync(shareId);
        Assert.Null(await host.ZfsGetAsync(share.Dataset!, "refquota"));

        Assert.Equal(1000, (await JsonAsync(_tenant, "share", "quota", "show", TestPortal.DemoProject)).GetProperty("gigabytes").GetInt32());
        var service = (await JsonAsync(_admin, "share", "service", "list")).EnumerateArray().Single();
        Assert.Equal(($"zfsportal@{host.Backend.Name}", "up"), (service.GetProperty("Host").GetString(), service.GetProperty("State").GetString()));

        // A share no pool can hold fails on placement; the failure is a user message, as in the share page.
        var tooBigId = Guid.Parse((await JsonAsync(_tenant, "share", "create", "NFS", "900", "--name", "toobig", "--share-type", "zfs")).GetProperty("id").GetString()!);
        await _waits.ShareAsync(tooBigId, s => s.Status == ShareStatus.Error);
        Assert.Contains((await JsonAsync(_tenant, "share", "message", "list")).EnumerateArray(),
            m => m.GetProperty("Resource ID").GetString() == tooBigId.ToString() && m.GetProperty("Resource Type").GetString() == "SHARE");
        await _tenant.RunAsync("share", "delete", "toobig");
        await _waits.ShareGoneAsync(tooBigId);
    }

    private static async Task<JsonElement> JsonAsync(ManilaCli cli, params string[] args)
    {
        var output = await cli.RunAsync([.. args, "-f", "json"]);
        try
        {
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"openstack {string.Join(' ', args)} printed no JSON:\n{output}");
        }
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
