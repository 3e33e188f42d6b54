using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>
/// Both NFS helpers on the real host, read back with local <c>exportfs -v</c> (and <c>zfs get sharenfs</c>).
/// Clients are documentation addresses only; nothing is served (the kernel here has no NFS server), the
/// export table is what is checked. Every test empties its exports; the fixture removes leftovers.
/// </summary>
[Collection("storage-host")]
public sealed class NfsExportTests(StorageHostFixture host) : IAsyncLifetime
{
    private static readonly NfsClientRule Host154 = new(AccessTarget.Parse("203.0.113.154"), NfsAccessLevel.ReadWrite, false);
    private static readonly NfsClientRule Net = new(AccessTarget.Parse("198.51.100.0/24"), NfsAccessLevel.ReadOnly, true);
    private readonly RecordingCommandLog _log = new();
    private string _dataset = "";
    private string _mountpoint = "";

    public async Task InitializeAsync()
    {
        _dataset = host.NewDatasetName();
        await host.Open(_log).CreateDatasetAsync(_dataset, new Dictionary<string, string>(), default);
        _mountpoint = "/" + _dataset;
    }

    public async Task DisposeAsync()
    {
        // Whatever a test left, the path's entries go before the dataset does.
        await host.UnexportTestPathsAsync();
        await host.DestroyDatasetAsync(_dataset);
    }

    private IStorageHost Open(string helper = "exportfs", string dialect = "auto")
    {
        var backend = host.Backend;
        backend.NfsHelper = helper;
        backend.ZfsDialect = dialect;
        // These count the kernel table's commands; the exports file the helper also keeps has tests of its own (Drift).
        backend.ExportsFile = "";
        return host.Open(_log, backend);
    }

    private NfsExport Export(params NfsClientRule[] clients) => new(_dataset, _mountpoint, clients);

    private int From(int start, string word) =>
        _log.Records.Skip(start).Count(r => r.Argv.Contains(word));

    private static void AssertEntry(IReadOnlyList<(string Client, string Options)> entries, string client, params string[] options)
    {
        var (_, listed) = Assert.Single(entries, e => e.Client == client);
        foreach (var option in options)
        {
            Assert.Contains(option, listed.Split(','));
        }
    }

    [Fact]
    public async Task Exportfs_helper_applies_the_whole_set_idempotently_and_reads_it_back()
    {
        var nfs = Open();

        await nfs.ApplyExportsAsync(Export(Host154, Net), default);
        var entries = await host.ExportsOfAsync(_mountpoint);
        Assert.Equal(2, entries.Count);
        AssertEntry(entries, "203.0.113.154", "rw", "no_root_squash", "sync", "no_subtree_check");
        AssertEntry(entries, "198.51.100.0/24", "ro", "root_squash", "sync", "no_subtree_check");
        Assert.Equal([Net, Host154], (await nfs.ReadExportsAsync(_mountpoint, default)).OrderBy(r => r.Target.Canonical, StringComparer.Ordinal));

        var again = _log.Records.Count;
        await nfs.ApplyExportsAsync(Export(Net, Host154), default);
        Assert.Equal(0, From(again, "-o") + From(again, "-u"));
        Assert.Equal(1, _log.Records.Count - again);

        var changed = _log.Records.Count;
        await nfs.ApplyExportsAsync(Export(Net with { Level = NfsAccessLevel.ReadWrite }), default);
        entries = await host.ExportsOfAsync(_mountpoint);
        AssertEntry(entries, "198.51.100.0/24", "rw", "root_squash");
        Assert.DoesNotContain(entries, e => e.Client == "203.0.113.154");
        Assert.Equal((1, 1), (From(changed, "-u"), From(changed, "-o")));

        await nfs.ApplyExportsAsync(Export(), default);
        Assert.Empty(await host.ExportsOfAsync(_mountpoint));
        Assert.Empty(await nfs.ReadExportsAsync(_mountpoint, default));
    }

    [Fact]
    public async Task Exportfs_helper_handles_IPv6_clients_that_exportfs_lists_without_brackets()
    {
        var nfs = Open();
        var v6 = new NfsClientRule(AccessTarget.Parse("2001:db8::1"), NfsAccessLevel.ReadWrite, true);
        var v6Net = new NfsClientRule(AccessTarget.Parse("2001:db8::/32"), NfsAccessLevel.ReadOnly, true);

        await nfs.ApplyExportsAsync(Export(v6, v6Net), default);
        var entries = await host.ExportsOfAsync(_mountpoint);
        AssertEntry(entries, "2001:db8::1", "rw");
        AssertEntry(entries, "2001:db8::/32", "ro");

        var again = _log.Records.Count;
        await nfs.ApplyExportsAsync(Export(v6, v6Net), default);
        Assert.Equal(1, _log.Records.Count - again);

        await nfs.ApplyExportsAsync(Export(), default);
        Assert.Empty(await host.ExportsOfAsync(_mountpoint));
    }

    [Fact]
    public async Task Exportfs_helper_replaces_entries_made_by_hand()
    {
        await host.ExportLocallyAsync("*", _mountpoint, "rw,no_subtree_check");
        await host.ExportLocallyAsync("192.0.2.7/32", _mountpoint, "rw,no_subtree_check");
        var nfs = Open();

        var error = await Assert.ThrowsAsync<StorageHostException>(() => nfs.ReadExportsAsync(_mountpoint, default));
        Assert.Contains("<world>", error.Message, StringComparison.Ordinal);

        await nfs.ApplyExportsAsync(Export(new NfsClientRule(AccessTarget.Parse("192.0.2.7"), NfsAccessLevel.ReadOnly, true)), default);

        var (client, _) = Assert.Single(await host.ExportsOfAsync(_mountpoint));
        Assert.Equal("192.0.2.7", client);
        await nfs.ApplyExportsAsync(Export(), default);
        Assert.Empty(await host.ExportsOfAsync(_mountpoint));
    }

    [Fact]
    public async Task Exporting_a_path_that_does_not_exist_fails_and_leaves_no_entry()
    {
        var missing = $"/{host.Pool}/{StorageHostFixture.TestDatasetPrefix}missing_{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<StorageHostException>(() =>
            Open().ApplyExportsAsync(new NfsExport(_dataset, missing, [Host154]), default));

        Assert.Equal(StorageFailure.CommandFailed, error.Failure);
        Assert.Contains("Failed to stat", error.Message, StringComparison.Ordinal);
        Assert.Empty(await host.ExportsOfAsync(missing));
    }

    [Fact]
    public async Task Exportfs_helper_told_what_it_applied_last_changes_the_table_first_and_reads_it_once_after()
    {
        var nfs = Open();
        await nfs.ApplyExportsAsync(Export(Net), default);

        var start = _log.Records.Count;
        await nfs.ApplyExportsAsync(Export(Net, Host154) with { LastApplied = [Net] }, default);

        // One exportfs -o for the new client, then the table is read (once) to check it.
        Assert.Equal(["-o", "-v"], _log.Records.Skip(start).Select(r => new ZfsCommands(host.Backend).Shown(r.Argv)[1]));
        var entries = await host.ExportsOfAsync(_mountpoint);
        AssertEntry(entries, "203.0.113.154", "rw", "no_root_squash", "sync");
        AssertEntry(entries, "198.51.100.0/24", "ro", "root_squash", "sync");

        await nfs.ApplyExportsAsync(Export(Net) with { LastApplied = [Net, Host154] }, default);
        Assert.Equal("198.51.100.0/24", Assert.Single(await host.ExportsOfAsync(_mountpoint)).Client);
    }

    [Fact]
    public async Task Exportfs_helper_puts_the_table_right_when_it_is_not_what_was_applied_last()
    {
        var nfs = Open();
        await nfs.ApplyExportsAsync(Export(Net, Host154), default);
        // Lost behind the portal's back (a reboot, `exportfs -ra`), and an entry added by hand.
        await StorageHostFixture.RunLocalAsync(host.Backend.ExportfsPath, "-u", $"198.51.100.0/24:{_mountpoint}");
        await StorageHostFixture.RunLocalAsync(host.Backend.ExportfsPath, "-o", "ro", $"192.0.2.99:{_mountpoint}");

        await nfs.ApplyExportsAsync(Export(Net, Host154) with { LastApplied = [Net, Host154] }, default);

        var entries = await host.ExportsOfAsync(_mountpoint);
        Assert.Equal(2, entries.Count);
        AssertEntry(entries, "203.0.113.154", "rw", "no_root_squash", "sync");
        AssertEntry(entries, "198.51.100.0/24", "ro", "root_squash", "sync");
    }

    [Fact]
    public async Task Sharenfs_helper_sets_the_zfs_fuse_value_and_the_table_follows()
    {
        var nfs = Open("sharenfs");

        await nfs.ApplyExportsAsync(Export(Host154, Net), default);
        Assert.Equal(
            "198.51.100.0/24:ro,sync,no_subtree_check,root_squash 203.0.113.154:rw,sync,no_subtree_check,no_root_squash",
            (await host.ZfsGetAsync(_dataset, "sharenfs"))!["sharenfs"]);
        var entries = await host.ExportsOfAsync(_mountpoint);
        Assert.Equal(2, entries.Count);
        AssertEntry(entries, "203.0.113.154", "rw", "no_root_squash", "sync");
        AssertEntry(entries, "198.51.100.0/24", "ro", "root_squash", "sync");
        Assert.Equal(1, _log.Records.Count(r => r.Argv.Contains("version")));

        var again = _log.Records.Count;
        await nfs.ApplyExportsAsync(Export(Net, Host154), default);
        Assert.Equal(0, _log.Records.Skip(again).Count(r => r.Argv.Contains("set") || r.Argv.Contains("-u")));

        await nfs.ApplyExportsAsync(Export(Net), default);
        Assert.Equal("198.51.100.0/24:ro,sync,no_subtree_check,root_squash", (await host.ZfsGetAsync(_dataset, "sharenfs"))!["sharenfs"]);
        Assert.Equal("198.51.100.0/24", Assert.Single(await host.ExportsOfAsync(_mountpoint)).Client);

        await nfs.ApplyExportsAsync(Export(), default);
        Assert.Equal("off", (await host.ZfsGetAsync(_dataset, "sharenfs"))!["sharenfs"]);
        Assert.Empty(await host.ExportsOfAsync(_mountpoint));
    }

    [Fact]
    public async Task Sharenfs_helper_re_shares_when_the_value_is_right_but_the_entries_are_gone()
    {
        var nfs = Open("sharenfs", "zfs-fuse");
        await nfs.ApplyExportsAsync(Export(Host154), default);
        await StorageHostFixture.RunLocalAsync(host.Backend.ExportfsPath, "-u", $"203.0.113.154:{_mountpoint}");

        await nfs.ApplyExportsAsync(Export(Host154), default);

        AssertEntry(await host.ExportsOfAsync(_mountpoint), "203.0.113.154", "rw", "no_root_squash");
        Assert.DoesNotContain(_log.Records, r => r.Argv.Contains("version"));
        await nfs.ApplyExportsAsync(Export(), default);
        Assert.Empty(await host.ExportsOfAsync(_mountpoint));
    }

    [Fact]
    public async Task Sharenfs_on_zfs_fuse_refuses_IPv6_before_changing_anything()
    {
        var error = await Assert.ThrowsAsync<StorageHostException>(() => Open("sharenfs").ApplyExportsAsync(
            Export(new NfsClientRule(AccessTarget.Parse("2001:db8::1"), NfsAccessLevel.ReadWrite, true)), default));

        Assert.Equal(StorageFailure.NotSupported, error.Failure);
        Assert.Equal("off", (await host.ZfsGetAsync(_dataset, "sharenfs"))!["sharenfs"]);
        Assert.Empty(await host.ExportsOfAsync(_mountpoint));
    }

    [Fact]
    public async Task The_wrong_dialect_is_caught_by_zfs_or_by_the_read_back()
    {
        // zfs-fuse answers OpenZFS syntax with "exportfs failed" (and has been seen to keep old exports silently).
        var error = await Assert.ThrowsAsync<StorageHostException>(() => Open("sharenfs", "openzfs").ApplyExportsAsync(Export(Host154), default));

        Assert.Equal(StorageFailure.CommandFailed, error.Failure);
        Assert.DoesNotContain(await host.ExportsOfAsync(_mountpoint), e => e.Client == "203.0.113.154");
        await Open("sharenfs", "zfs-fuse").ApplyExportsAsync(Export(), default);
        Assert.Equal("off", (await host.ZfsGetAsync(_dataset, "sharenfs"))!["sharenfs"]);
    }
}
