using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class ZfsCommandsTests
{
    private static readonly BackendOptions Backend = new()
    {
        Name = "b1", SudoPath = "/usr/bin/sudo", ZfsPath = "/usr/sbin/zfs",
    };

    private readonly ZfsCommands _zfs = new(Backend);

    [Fact]
    public void GetProperties_runs_portable_zfs_get_through_sudo_n_with_absolute_paths() =>
        Assert.Equal(
            ["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "get", "-H", "-p", "-o", "name,property,value", "mountpoint,refquota", "tank/share_1"],
            _zfs.GetProperties("tank/share_1", ["mountpoint", "refquota"]));

    [Fact]
    public void GetProperties_uses_the_backend_paths()
    {
        var zfs = new ZfsCommands(new BackendOptions { SudoPath = "/opt/bin/sudo", ZfsPath = "/sbin/zfs" });
        var argv = zfs.GetProperties("tank/x", ["used"]);
        Assert.Equal(["/opt/bin/sudo", "-n", "/sbin/zfs"], argv.Take(3));
    }

    [Fact]
    public void GetProperties_never_uses_list_p_or_type_filters()
    {
        var argv = _zfs.GetProperties("tank/x", ["used"]);
        Assert.DoesNotContain("list", argv);
        Assert.DoesNotContain("-t", argv);
    }

    [Fact]
    public void CreateDataset_passes_each_property_as_o_key_value_in_key_order() =>
        Assert.Equal(
            ["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "create", "-o", "compression=lz4", "-o", "devices=off", "-o", "refquota=1G", "-o", "setuid=off", "tank/share_1"],
            _zfs.CreateDataset("tank/share_1", new Dictionary<string, string> { ["refquota"] = "1G", ["compression"] = "lz4" }));

    [Fact]
    public void CreateDataset_without_properties_still_turns_setuid_and_devices_off() =>
        Assert.Equal(["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "create", "-o", "devices=off", "-o", "setuid=off", "tank/a/b"],
            _zfs.CreateDataset("tank/a/b", new Dictionary<string, string>()));

    [Theory]
    [InlineData("setuid")]
    [InlineData("devices")]
    public void Setuid_or_devices_on_is_never_built(string property)
    {
        Assert.Throws<ArgumentException>(() => _zfs.CreateDataset("tank/x", new Dictionary<string, string> { [property] = "on" }));
        Assert.Throws<ArgumentException>(() => _zfs.Clone("tank/x@s", "tank/y", new Dictionary<string, string> { [property] = "on" }));
        Assert.Throws<ArgumentException>(() => _zfs.SetProperty("tank/x", property, "on"));
        Assert.Equal([.. Zfs, "set", $"{property}=off", "tank/x"], _zfs.SetProperty("tank/x", property, "off"));
    }

    [Fact]
    public void GetPoolCapacity_reads_available_and_used_of_the_pool_dataset() =>
        Assert.Equal(
            ["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "get", "-H", "-p", "-o", "name,property,value", "available,used", "tank"],
            _zfs.GetPoolCapacity("tank"));

    [Theory]
    [InlineData("")]
    [InlineData("-tank/x")]
    [InlineData("tank/-x")]
    [InlineData("tank/")]
    [InlineData("tank//x")]
    [InlineData("/tank/x")]
    [InlineData("tank/a b")]
    [InlineData("tank/x;rm")]
    [InlineData("tank/$(id)")]
    [InlineData("tank/x@snap")]
    [InlineData("tank/x\n")]
    [InlineData("tank/..")]
    [InlineData("1tank/x")]
    [InlineData("tank/日本")]
    public void Dataset_names_outside_the_safe_set_are_refused(string dataset)
    {
        Assert.Throws<ArgumentException>(() => _zfs.GetProperties(dataset, ["used"]));
        Assert.Throws<ArgumentException>(() => _zfs.CreateDataset(dataset, new Dictionary<string, string>()));
    }

    [Theory]
    [InlineData("Used")]
    [InlineData("used,mountpoint")]
    [InlineData("-o")]
    [InlineData("a b")]
    [InlineData("")]
    [InlineData("1abc")]
    public void Property_names_outside_the_safe_set_are_refused(string property)
    {
        Assert.Throws<ArgumentException>(() => _zfs.GetProperties("tank/x", [property]));
        Assert.Throws<ArgumentException>(() => _zfs.CreateDataset("tank/x", new Dictionary<string, string> { [property] = "v" }));
    }

    [Fact]
    public void User_properties_with_a_colon_are_accepted() =>
        Assert.Contains("-o", _zfs.CreateDataset("tank/x", new Dictionary<string, string> { ["org.example:owner"] = "p1" }));

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    public void Property_values_with_whitespace_or_control_characters_are_refused(string value) =>
        Assert.Throws<ArgumentException>(() => _zfs.CreateDataset("tank/x", new Dictionary<string, string> { ["compression"] = value }));

    [Fact]
    public void Reading_no_properties_is_refused() =>
        Assert.Throws<ArgumentException>(() => _zfs.GetProperties("tank/x", []));

    [Theory]
    [InlineData("tank/x")]
    [InlineData("-tank")]
    [InlineData("")]
    public void Pool_names_must_be_a_single_component_starting_with_a_letter(string pool) =>
        Assert.Throws<ArgumentException>(() => _zfs.GetPoolCapacity(pool));

    private static readonly string[] Zfs = ["/usr/bin/sudo", "-n", "/usr/sbin/zfs"];
    private static readonly string[] Exportfs = ["/usr/bin/sudo", "-n", "/usr/sbin/exportfs"];

    [Fact]
    public void SetProperty_is_one_zfs_set_per_property() =>
        Assert.Equal([.. Zfs, "set", "refquota=2G", "tank/share_1"], _zfs.SetProperty("tank/share_1", "refquota", "2G"));

    [Theory]
    [InlineData("refquota", "2 G")]
    [InlineData("refquota", "")]
    [InlineData("Refquota", "2G")]
    [InlineData("sharenfs", "203.0.113.5:rw 198.51.100.0/24:ro")]
    public void SetProperty_refuses_odd_names_and_values_with_spaces(string property, string value) =>
        Assert.Throws<ArgumentException>(() => _zfs.SetProperty("tank/share_1", property, value));

    [Theory]
    [InlineData("off")]
    [InlineData("203.0.113.154:rw,sync,no_subtree_check,no_root_squash 198.51.100.0/24:ro,sync,no_subtree_check,root_squash")]
    [InlineData("rw=@198.51.100.0/24:203.0.113.154:[2001:db8::1]:[2001:db8::]/32,ro=192.0.2.7,root_squash,sync")]
    public void SetSharenfs_takes_the_values_the_portal_builds_spaces_included(string value) =>
        Assert.Equal([.. Zfs, "set", "sharenfs=" + value, "tank/share_1"], _zfs.SetSharenfs("tank/share_1", value));

    [Theory]
    [InlineData("")]
    [InlineData(" off")]
    [InlineData("off ")]
    [InlineData("a  b")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("203.0.113.5:rw;id")]
    [InlineData("$(id)")]
    [InlineData("'x'")]
    [InlineData("*:rw")]
    public void SetSharenfs_refuses_anything_else(string value) =>
        Assert.Throws<ArgumentException>(() => _zfs.SetSharenfs("tank/share_1", value));

    [Fact]
    public void Unmount_uses_the_verb_both_dialects_know() =>
        Assert.Equal([.. Zfs, "unmount", "tank/share_1"], _zfs.Unmount("tank/share_1"));

    [Fact]
    public void DestroyDataset_never_recurses() =>
        Assert.Equal([.. Zfs, "destroy", "tank/share_1"], _zfs.DestroyDataset("tank/share_1"));

    [Fact]
    public void DestroyDataset_refuses_a_snapshot_name() =>
        Assert.Throws<ArgumentException>(() => _zfs.DestroyDataset("tank/share_1@snap"));

    [Fact]
    public void Snapshots_are_made_and_destroyed_by_full_name()
    {
        Assert.Equal([.. Zfs, "snapshot", "tank/share_1@zfsportal_snap_1"], _zfs.CreateSnapshot("tank/share_1@zfsportal_snap_1"));
        Assert.Equal([.. Zfs, "destroy", "tank/share_1@zfsportal_snap_1"], _zfs.DestroySnapshot("tank/share_1@zfsportal_snap_1"));
    }

    [Theory]
    [InlineData("tank/share_1@a.b:c-d_9")]
    [InlineData("tank@x")]
    [InlineData("tank/a/b@-x")]
    public void Snapshot_names_with_the_safe_characters_are_accepted(string snapshot) =>
        Assert.Equal(snapshot, _zfs.CreateSnapshot(snapshot)[^1]);

    [Theory]
    [InlineData("tank/share_1")]
    [InlineData("tank/share_1@")]
    [InlineData("@snap")]
    [InlineData("tank/share_1@a@b")]
    [InlineData("tank/share_1@a/b")]
    [InlineData("tank/share_1@a b")]
    [InlineData("tank/share_1@$(id)")]
    [InlineData("tank/share_1@日本")]
    [InlineData("tank/-x@snap")]
    [InlineData("tank/share_1#bookmark")]
    public void Snapshot_names_outside_the_safe_set_are_refused(string snapshot)
    {
        Assert.Throws<ArgumentException>(() => _zfs.CreateSnapshot(snapshot));
        Assert.Throws<ArgumentException>(() => _zfs.DestroySnapshot(snapshot));
        Assert.Throws<ArgumentException>(() => _zfs.Send(snapshot));
        Assert.Throws<ArgumentException>(() => _zfs.Clone(snapshot, "tank/new", new Dictionary<string, string>()));
    }

    [Fact]
    public void Snapshot_names_longer_than_zfs_allows_are_refused() =>
        Assert.Throws<ArgumentException>(() => _zfs.CreateSnapshot("tank/share_1@" + new string('s', 250)));

    [Fact]
    public void Snapshots_are_listed_with_portable_recursive_zfs_get() =>
        Assert.Equal([.. Zfs, "get", "-H", "-p", "-o", "name,property,value", "used,referenced", "-r", "tank/share_1"],
            _zfs.GetPropertiesRecursive("tank/share_1", ["used", "referenced"]));

    [Fact]
    public void Clone_passes_properties_as_o_options_before_the_snapshot_and_the_new_dataset() =>
        Assert.Equal([.. Zfs, "clone", "-o", "compression=lz4", "-o", "devices=off", "-o", "refquota=1G", "-o", "setuid=off", "tank/share_1@s", "tank/share_2"],
            _zfs.Clone("tank/share_1@s", "tank/share_2", new Dictionary<string, string> { ["refquota"] = "1G", ["compression"] = "lz4" }));

    [Fact]
    public void Clone_validates_the_new_dataset_and_its_properties()
    {
        Assert.Throws<ArgumentException>(() => _zfs.Clone("tank/a@s", "tank/b@x", new Dictionary<string, string>()));
        Assert.Throws<ArgumentException>(() => _zfs.Clone("tank/a@s", "tank/b", new Dictionary<string, string> { ["refquota"] = "1 G" }));
    }

    [Fact]
    public void Send_and_receive_are_plain_so_zfs_fuse_takes_them()
    {
        Assert.Equal([.. Zfs, "send", "tank/share_1@s"], _zfs.Send("tank/share_1@s"));
        Assert.Equal([.. Zfs, "receive", "tank/share_2"], _zfs.Receive("tank/share_2"));
        Assert.Throws<ArgumentException>(() => _zfs.Receive("tank/share_2@s"));
    }

    [Fact]
    public void Version_is_the_dialect_probe() => Assert.Equal([.. Zfs, "version"], _zfs.Version());

    [Fact]
    public void ListExports_is_exportfs_v_through_sudo_with_the_backend_path() =>
        Assert.Equal(Exportfs.Append("-v"), new ZfsCommands(new BackendOptions()).ListExports());

    [Theory]
    [InlineData("203.0.113.154", NfsAccessLevel.ReadWrite, false, "rw,sync,no_subtree_check,no_root_squash", "203.0.113.154:/tank/share_1")]
    [InlineData("198.51.100.0/24", NfsAccessLevel.ReadOnly, true, "ro,sync,no_subtree_check,root_squash", "198.51.100.0/24:/tank/share_1")]
    [InlineData("2001:db8::1", NfsAccessLevel.ReadWrite, true, "rw,sync,no_subtree_check,root_squash", "[2001:db8::1]:/tank/share_1")]
    [InlineData("2001:db8::/32", NfsAccessLevel.ReadOnly, true, "ro,sync,no_subtree_check,root_squash", "[2001:db8::/32]:/tank/share_1")]
    public void Export_writes_the_canonical_client_with_brackets_for_IPv6(string target, NfsAccessLevel level, bool squash, string options, string spec) =>
        Assert.Equal([.. Exportfs, "-o", options, spec],
            new ZfsCommands(new BackendOptions()).Export(new NfsClientRule(AccessTarget.Parse(target), level, squash), "/tank/share_1"));

    [Theory]
    [InlineData("203.0.113.154", "203.0.113.154:/tank/share_1")]
    [InlineData("192.0.2.7/32", "192.0.2.7/32:/tank/share_1")]
    [InlineData("2001:DB8:0::1", "[2001:DB8:0::1]:/tank/share_1")]
    [InlineData("<world>", "*:/tank/share_1")]
    [InlineData("*.example.com", "*.example.com:/tank/share_1")]
    [InlineData("@trusted", "@trusted:/tank/share_1")]
    public void Unexport_spells_the_client_as_exportfs_listed_it(string client, string spec) =>
        Assert.Equal([.. Exportfs, "-u", spec], new ZfsCommands(new BackendOptions()).Unexport(client, "/tank/share_1"));

    [Theory]
    [InlineData("-o")]
    [InlineData("a b")]
    [InlineData("a;b")]
    [InlineData("")]
    [InlineData("$(id)")]
    public void Unexport_refuses_clients_that_are_not_names(string client) =>
        Assert.Throws<ArgumentException>(() => new ZfsCommands(new BackendOptions()).Unexport(client, "/tank/share_1"));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("tank/share_1")]
    [InlineData("/tank//share_1")]
    [InlineData("/tank/share_1/")]
    [InlineData("/tank/../etc")]
    [InlineData("/tank/a b")]
    [InlineData("/tank/a(b)")]
    [InlineData("/tank/$(id)")]
    public void Export_paths_must_be_plain_absolute_paths(string mountpoint)
    {
        var commands = new ZfsCommands(new BackendOptions());
        var rule = new NfsClientRule(AccessTarget.Parse("203.0.113.154"), NfsAccessLevel.ReadWrite, true);
        Assert.Throws<ArgumentException>(() => commands.Export(rule, mountpoint));
        Assert.Throws<ArgumentException>(() => commands.Unexport("203.0.113.154", mountpoint));
    }
}
