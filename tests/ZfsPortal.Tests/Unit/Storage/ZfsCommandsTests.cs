using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Unit.Storage;

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
            ["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "create", "-o", "compression=lz4", "-o", "refquota=1G", "tank/share_1"],
            _zfs.CreateDataset("tank/share_1", new Dictionary<string, string> { ["refquota"] = "1G", ["compression"] = "lz4" }));

    [Fact]
    public void CreateDataset_without_properties_is_plain_create() =>
        Assert.Equal(["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "create", "tank/a/b"],
            _zfs.CreateDataset("tank/a/b", new Dictionary<string, string>()));

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
}
