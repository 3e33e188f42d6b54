using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class NfsExportOptionsTests
{
    private static readonly NfsClientRule ReadWriteNoSquash = new(AccessTarget.Parse("203.0.113.154"), NfsAccessLevel.ReadWrite, false);
    private static readonly NfsClientRule ReadOnlySquash = new(AccessTarget.Parse("198.51.100.0/24"), NfsAccessLevel.ReadOnly, true);

    [Fact]
    public void Options_are_level_sync_no_subtree_check_and_squash()
    {
        Assert.Equal("rw,sync,no_subtree_check,no_root_squash", NfsExportOptions.For(ReadWriteNoSquash));
        Assert.Equal("ro,sync,no_subtree_check,root_squash", NfsExportOptions.For(ReadOnlySquash));
    }

    [Theory]
    [InlineData("sync,wdelay,hide,no_subtree_check,sec=sys,rw,no_root_squash,no_all_squash", true)]
    [InlineData("sync,wdelay,hide,no_subtree_check,fsid=1,sec=sys,rw,no_root_squash,no_all_squash", true)]
    [InlineData("sec=sys,rw,no_subtree_check,mountpoint,no_root_squash,sync", true)]
    [InlineData("sync,no_subtree_check,ro,no_root_squash", false)]
    [InlineData("sync,no_subtree_check,rw,root_squash", false)]
    [InlineData("async,no_subtree_check,rw,no_root_squash", false)]
    [InlineData("no_subtree_check,rw,no_root_squash", false)]
    [InlineData("sync,subtree_check,rw,no_root_squash", false)]
    [InlineData("sync,no_subtree_check,rw,no_root_squash,all_squash", false)]
    [InlineData("", false)]
    public void An_entry_matches_when_it_carries_the_rule(string options, bool matches) =>
        Assert.Equal(matches, NfsExportOptions.Matches(ReadWriteNoSquash, options.Split(',', StringSplitOptions.RemoveEmptyEntries)));

    [Fact]
    public void ToRule_reads_level_and_squash_and_canonicalises_the_client()
    {
        var rule = NfsExportOptions.ToRule(new ExportfsEntry("/p", "192.0.2.7/32", ["sync", "ro", "root_squash"]));
        Assert.Equal(new NfsClientRule(AccessTarget.Parse("192.0.2.7"), NfsAccessLevel.ReadOnly, true), rule);
        Assert.Equal(ReadWriteNoSquash, NfsExportOptions.ToRule(new ExportfsEntry("/p", "203.0.113.154", ["rw", "no_root_squash"])));
    }

    [Theory]
    [InlineData("<world>", "rw")]
    [InlineData("*.example.com", "rw")]
    [InlineData("@trusted", "rw")]
    [InlineData("client.example.com", "ro")]
    [InlineData("203.0.113.154", "sync")]
    public void ToRule_is_null_for_what_the_portal_never_writes(string client, string options) =>
        Assert.Null(NfsExportOptions.ToRule(new ExportfsEntry("/p", client, options.Split(','))));

    [Fact]
    public void Validate_refuses_a_client_listed_twice_in_any_spelling()
    {
        var export = new NfsExport("tank/s", "/tank/s",
            [ReadWriteNoSquash, new NfsClientRule(AccessTarget.Parse("203.0.113.154/32"), NfsAccessLevel.ReadOnly, true)]);
        var error = Assert.Throws<ArgumentException>(() => NfsExportOptions.Validate(export));
        Assert.Contains("203.0.113.154 is listed more than once", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tank/s@x", "/tank/s")]
    [InlineData("tank/s", "/")]
    [InlineData("tank/s", "relative")]
    public void Validate_refuses_bad_datasets_and_paths(string dataset, string mountpoint) =>
        Assert.Throws<ArgumentException>(() => NfsExportOptions.Validate(new NfsExport(dataset, mountpoint, [])));
}
