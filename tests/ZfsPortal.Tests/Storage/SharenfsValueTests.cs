using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class SharenfsValueTests
{
    private static NfsClientRule Rule(string target, NfsAccessLevel level = NfsAccessLevel.ReadWrite, bool squash = true) =>
        new(AccessTarget.Parse(target), level, squash);

    [Theory]
    [InlineData(ZfsDialect.ZfsFuse)]
    [InlineData(ZfsDialect.OpenZfs)]
    public void No_clients_is_off(ZfsDialect dialect) => Assert.Equal("off", SharenfsValue.For([], dialect));

    [Fact]
    public void Zfs_fuse_takes_space_separated_client_options_entries_sorted_by_client() =>
        Assert.Equal(
            "198.51.100.0/24:ro,sync,no_subtree_check,root_squash 203.0.113.154:rw,sync,no_subtree_check,no_root_squash",
            SharenfsValue.For([Rule("203.0.113.154", squash: false), Rule("198.51.100.0/24", NfsAccessLevel.ReadOnly)], ZfsDialect.ZfsFuse));

    [Fact]
    public void Zfs_fuse_cannot_take_IPv6_clients()
    {
        var error = Assert.Throws<NotSupportedException>(() => SharenfsValue.For([Rule("2001:db8::1")], ZfsDialect.ZfsFuse));
        Assert.Contains("2001:db8::1", error.Message, StringComparison.Ordinal);
        Assert.Contains("exportfs NFS helper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenZfs_takes_rw_and_ro_host_lists_with_networks_marked_and_IPv6_bracketed() =>
        Assert.Equal(
            "rw=@198.51.100.0/24:[2001:db8::1]:203.0.113.154,ro=192.0.2.7:[2001:db8::]/32,root_squash,sync",
            SharenfsValue.For(
                [Rule("203.0.113.154"), Rule("198.51.100.0/24"), Rule("2001:db8::1"),
                 Rule("192.0.2.7", NfsAccessLevel.ReadOnly), Rule("2001:db8::/32", NfsAccessLevel.ReadOnly)],
                ZfsDialect.OpenZfs));

    [Fact]
    public void OpenZfs_with_only_read_only_clients_and_no_squash() =>
        Assert.Equal("ro=203.0.113.154,no_root_squash,sync",
            SharenfsValue.For([Rule("203.0.113.154", NfsAccessLevel.ReadOnly, squash: false)], ZfsDialect.OpenZfs));

    [Fact]
    public void OpenZfs_cannot_mix_squash_settings_in_one_share()
    {
        var error = Assert.Throws<NotSupportedException>(() =>
            SharenfsValue.For([Rule("203.0.113.154", squash: false), Rule("198.51.100.0/24")], ZfsDialect.OpenZfs));
        Assert.Contains("root_squash", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ZfsDialect.ZfsFuse)]
    [InlineData(ZfsDialect.OpenZfs)]
    public void Every_value_passes_the_sharenfs_guard(ZfsDialect dialect)
    {
        var value = SharenfsValue.For([Rule("203.0.113.154"), Rule("198.51.100.0/24"), Rule("0.0.0.0/0", NfsAccessLevel.ReadOnly)], dialect);
        Assert.Equal(value, new ZfsCommands(new BackendOptions()).SetSharenfs("tank/s", value)[^2]["sharenfs=".Length..]);
    }

    [Theory]
    [InlineData(0, "", ZfsDialect.OpenZfs)]
    [InlineData(0, "zfs-2.1.11-1\nzfs-kmod-2.1.11-1", ZfsDialect.OpenZfs)]
    [InlineData(2, "unrecognized command 'version'\nusage: zfs command args ...", ZfsDialect.ZfsFuse)]
    public void The_version_probe_tells_the_dialects_apart(int exitCode, string stderr, ZfsDialect dialect) =>
        Assert.Equal(dialect, ZfsDialects.FromVersionProbe(exitCode, stderr));

    [Fact]
    public void A_refused_probe_tells_nothing() =>
        Assert.Null(ZfsDialects.FromVersionProbe(1, "sudo: a password is required"));

    [Theory]
    [InlineData("auto", null)]
    [InlineData("zfs-fuse", ZfsDialect.ZfsFuse)]
    [InlineData("openzfs", ZfsDialect.OpenZfs)]
    public void Configured_dialects(string option, ZfsDialect? dialect) => Assert.Equal(dialect, ZfsDialects.FromOption(option));
}
