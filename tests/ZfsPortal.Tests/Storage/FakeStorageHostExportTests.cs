using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class FakeStorageHostExportTests
{
    private static readonly NfsClientRule Host = new(AccessTarget.Parse("203.0.113.154"), NfsAccessLevel.ReadWrite, false);
    private static readonly NfsClientRule Net = new(AccessTarget.Parse("198.51.100.0/24"), NfsAccessLevel.ReadOnly, true);
    private readonly RecordingCommandLog _log = new();

    private static FakeStorageHost NewHost(string helper = "exportfs")
    {
        var host = new FakeStorageHost(new BackendOptions
        {
            Name = "fake", User = "zfsportal", ShareExportIp = "192.0.2.10", Pools = ["tank"], NfsHelper = helper,
        });
        host.AddDataset("tank/s1");
        return host;
    }

    private string[] Commands() => [.. _log.Records.Select(r => string.Join(' ', r.Argv.Skip(2)))];

    [Fact]
    public async Task Exportfs_apply_writes_the_set_reads_it_back_and_changes_nothing_the_second_time()
    {
        var host = NewHost();
        var export = new NfsExport("tank/s1", "/tank/s1", [Host, Net]);

        await host.Open(host.Backend, _log).ApplyExportsAsync(export, default);
        var first = Commands();
        await host.Open(host.Backend, _log).ApplyExportsAsync(export, default);

        Assert.Equal(
            ["/usr/sbin/exportfs -v",
             "/usr/sbin/exportfs -o ro,sync,no_subtree_check,root_squash 198.51.100.0/24:/tank/s1",
             "/usr/sbin/exportfs -o rw,sync,no_subtree_check,no_root_squash 203.0.113.154:/tank/s1",
             "/usr/sbin/exportfs -v"],
            first);
        Assert.Equal([.. first, "/usr/sbin/exportfs -v"], Commands());
        Assert.Equal([Host, Net], (await host.Open(host.Backend, _log).ReadExportsAsync("/tank/s1", default)).OrderByDescending(r => r.Target.Canonical));
    }

    [Fact]
    public async Task Exportfs_apply_of_an_empty_set_removes_every_entry_including_hand_made_ones()
    {
        var host = NewHost();
        host.AddExport("/tank/s1", "<world>", "rw");
        await host.Open(host.Backend, _log).ApplyExportsAsync(new NfsExport("tank/s1", "/tank/s1", [Host]), default);

        await host.Open(host.Backend, _log).ApplyExportsAsync(new NfsExport("tank/s1", "/tank/s1", []), default);

        Assert.Empty(host.ExportsOf("/tank/s1"));
        Assert.Contains("/usr/sbin/exportfs -u *:/tank/s1", Commands());
    }

    [Fact]
    public async Task Exporting_a_path_no_dataset_has_fails_like_exportfs()
    {
        var host = NewHost();
        var error = await Assert.ThrowsAsync<StorageHostException>(() =>
            host.Open(host.Backend, _log).ApplyExportsAsync(new NfsExport("tank/none", "/tank/none", [Host]), default));
        Assert.Contains("Failed to stat", error.Message, StringComparison.Ordinal);
        Assert.Empty(host.ExportsOf("/tank/none"));
    }

    [Fact]
    public async Task Reading_exports_made_by_hand_for_hosts_or_everyone_is_an_error_that_names_them()
    {
        var host = NewHost();
        host.AddExport("/tank/s1", "<world>", "rw");
        var error = await Assert.ThrowsAsync<StorageHostException>(() => host.Open(host.Backend, _log).ReadExportsAsync("/tank/s1", default));
        Assert.Contains("<world>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sharenfs_apply_sets_the_property_and_the_table_and_turns_it_off_for_no_clients()
    {
        var host = NewHost("sharenfs");

        await host.Open(host.Backend, _log).ApplyExportsAsync(new NfsExport("tank/s1", "/tank/s1", [Host, Net]), default);
        Assert.Equal(SharenfsValue.For([Host, Net], ZfsDialect.ZfsFuse), host.Properties("tank/s1")!["sharenfs"]);
        Assert.Equal(2, host.ExportsOf("/tank/s1").Count);

        await host.Open(host.Backend, _log).ApplyExportsAsync(new NfsExport("tank/s1", "/tank/s1", [Net]), default);
        Assert.Equal("198.51.100.0/24", Assert.Single(host.ExportsOf("/tank/s1")).Client);

        await host.Open(host.Backend, _log).ApplyExportsAsync(new NfsExport("tank/s1", "/tank/s1", []), default);
        Assert.Equal("off", host.Properties("tank/s1")!["sharenfs"]);
        Assert.Empty(host.ExportsOf("/tank/s1"));
    }

    [Fact]
    public async Task Sharenfs_refuses_what_the_dialect_cannot_express_before_touching_the_host()
    {
        var host = NewHost("sharenfs");
        var error = await Assert.ThrowsAsync<StorageHostException>(() => host.Open(host.Backend, _log).ApplyExportsAsync(
            new NfsExport("tank/s1", "/tank/s1", [new(AccessTarget.Parse("2001:db8::1"), NfsAccessLevel.ReadWrite, true)]), default));

        Assert.Equal(StorageFailure.NotSupported, error.Failure);
        Assert.Empty(_log.Records);
    }

    [Fact]
    public async Task Destroying_a_dataset_drops_its_exports()
    {
        var host = NewHost();
        await host.Open(host.Backend, _log).ApplyExportsAsync(new NfsExport("tank/s1", "/tank/s1", [Host]), default);
        await host.Open(host.Backend, _log).DestroyDatasetAsync("tank/s1", default);
        Assert.Empty(host.ExportsOf("/tank/s1"));
    }
}
