using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class ExportfsTableTests
{
    // Captured from `exportfs -v` on the local host (nfs-utils 2.6): long paths wrap, short ones are padded.
    private const string Captured =
        "/zfsportal/zfsportal_test_probe1\n" +
        "\t\t203.0.113.154(sync,wdelay,hide,no_subtree_check,sec=sys,rw,no_root_squash,no_all_squash)\n" +
        "/zfsportal/zfsportal_test_probe1\n" +
        "\t\t2001:db8::/32(sync,wdelay,hide,no_subtree_check,sec=sys,ro,root_squash,no_all_squash)\n" +
        "/tmp          \t192.0.2.8(sync,wdelay,hide,no_subtree_check,sec=sys,rw,root_squash,no_all_squash)\n" +
        "/nonexistent/x\t203.0.113.4(sync,wdelay,hide,no_subtree_check,sec=sys,rw,root_squash,no_all_squash)\n" +
        "/zfsportal/zfsportal_test_probe1\n" +
        "\t\t<world>(sync,wdelay,hide,no_subtree_check,fsid=1,sec=sys,rw,root_squash,no_all_squash)\n";

    [Fact]
    public void Parses_wrapped_padded_and_world_entries()
    {
        var entries = ExportfsTable.Parse(Captured);

        Assert.Equal(5, entries.Count);
        Assert.Equal(new ExportfsEntry("/zfsportal/zfsportal_test_probe1", "203.0.113.154", []) with { Options = entries[0].Options }, entries[0]);
        Assert.Equal(["sync", "wdelay", "hide", "no_subtree_check", "sec=sys", "rw", "no_root_squash", "no_all_squash"], entries[0].Options);
        Assert.Equal(("/zfsportal/zfsportal_test_probe1", "2001:db8::/32"), (entries[1].Path, entries[1].Client));
        Assert.Equal(("/tmp", "192.0.2.8"), (entries[2].Path, entries[2].Client));
        Assert.Equal(("/nonexistent/x", "203.0.113.4"), (entries[3].Path, entries[3].Client));
        Assert.Equal(ExportfsTable.World, entries[4].Client);
        Assert.Contains("fsid=1", entries[4].Options);
    }

    [Fact]
    public void For_keeps_exactly_one_path_not_the_paths_below_it()
    {
        var entries = ExportfsTable.Parse("/tank/a\t192.0.2.1(rw)\n/tank/a/b\t192.0.2.2(rw)\n/tank/ab\t192.0.2.3(rw)\n");
        Assert.Equal("192.0.2.1", Assert.Single(ExportfsTable.For(entries, "/tank/a")).Client);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    public void An_empty_table_has_no_entries(string output) => Assert.Empty(ExportfsTable.Parse(output));

    [Fact]
    public void Carriage_returns_and_trailing_spaces_are_ignored() =>
        Assert.Equal("192.0.2.1", Assert.Single(ExportfsTable.Parse("/tank/a \r\n\t\t192.0.2.1(rw) \r\n")).Client);

    [Fact]
    public void A_path_with_no_client_lines_yields_nothing() => Assert.Empty(ExportfsTable.Parse("/tank/a\n"));

    [Theory]
    [InlineData("\t\t192.0.2.1(rw)\n")]
    [InlineData("/tank/a\t(rw)\n")]
    [InlineData("/tank/a\t192.0.2.1(rw\n")]
    [InlineData("/tank/a\t192.0.2.1rw)\n")]
    public void Lines_that_are_not_exportfs_output_are_a_format_error(string output) =>
        Assert.Throws<FormatException>(() => ExportfsTable.Parse(output));

    [Fact]
    public void Mismatch_is_null_when_the_table_is_exactly_the_rules()
    {
        var entries = ExportfsTable.For(ExportfsTable.Parse(Captured), "/zfsportal/zfsportal_test_probe1").Take(2).ToList();
        NfsClientRule[] rules =
        [
            new(AccessTarget.Parse("2001:db8::/32"), NfsAccessLevel.ReadOnly, true),
            new(AccessTarget.Parse("203.0.113.154"), NfsAccessLevel.ReadWrite, false),
        ];

        Assert.Null(ExportfsTable.Mismatch(entries, rules));
    }

    [Fact]
    public void Mismatch_names_missing_different_and_unexpected_clients()
    {
        var entries = ExportfsTable.Parse(
            "/p\t203.0.113.154(sync,no_subtree_check,rw,root_squash)\n/p\t192.0.2.9(sync,no_subtree_check,rw,root_squash)\n");
        NfsClientRule[] rules =
        [
            new(AccessTarget.Parse("203.0.113.154"), NfsAccessLevel.ReadWrite, false),
            new(AccessTarget.Parse("198.51.100.0/24"), NfsAccessLevel.ReadOnly, true),
        ];

        var mismatch = ExportfsTable.Mismatch(entries, rules);

        Assert.Equal(
            "203.0.113.154 has (sync,no_subtree_check,rw,root_squash) instead of (rw, no_root_squash); " +
            "198.51.100.0/24 (ro, root_squash) is missing; 192.0.2.9 should not be there",
            mismatch);
    }

    [Fact]
    public void A_non_canonical_spelling_of_a_wanted_client_does_not_count_as_it()
    {
        var entries = ExportfsTable.Parse("/p\t192.0.2.7/32(sync,no_subtree_check,rw,root_squash)\n");
        var mismatch = ExportfsTable.Mismatch(entries, [new(AccessTarget.Parse("192.0.2.7"), NfsAccessLevel.ReadWrite, true)]);
        Assert.Equal("192.0.2.7 (rw, root_squash) is missing; 192.0.2.7/32 should not be there", mismatch);
    }
}
