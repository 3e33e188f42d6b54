using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class ZfsGetParserTests
{
    // Captured from zfs-fuse 0.7.0: zfs get -H -p -o name,property,value mountpoint,refquota,compression,origin -r zfsportal
    private const string ZfsFuseOutput =
        "zfsportal\tmountpoint\t/zfsportal\n" +
        "zfsportal\trefquota\t0\n" +
        "zfsportal\tcompression\toff\n" +
        "zfsportal\torigin\t-\n" +
        "zfsportal/share_a\tmountpoint\t/zfsportal/share_a\n" +
        "zfsportal/share_a\trefquota\t1073741824\n" +
        "zfsportal/share_a\tcompression\tlz4\n" +
        "zfsportal/share_a\torigin\t-\n";

    [Fact]
    public void Parse_pivots_rows_into_one_dictionary_per_dataset()
    {
        var datasets = ZfsGetParser.Parse(ZfsFuseOutput);

        Assert.Equal(["zfsportal", "zfsportal/share_a"], datasets.Keys);
        Assert.Equal("/zfsportal/share_a", datasets["zfsportal/share_a"]["mountpoint"]);
        Assert.Equal("1073741824", datasets["zfsportal/share_a"]["refquota"]);
        Assert.Equal("lz4", datasets["zfsportal/share_a"]["compression"]);
        Assert.Equal("off", datasets["zfsportal"]["compression"]);
    }

    [Fact]
    public void Parse_keeps_a_dash_value_as_is() =>
        Assert.Equal("-", ZfsGetParser.Parse(ZfsFuseOutput)["zfsportal"]["origin"]);

    [Fact]
    public void Parse_tolerates_missing_trailing_newline_and_crlf()
    {
        var datasets = ZfsGetParser.Parse("tank/a\tused\t24576\r\ntank/a\tavailable\t1000");
        Assert.Equal("24576", datasets["tank/a"]["used"]);
        Assert.Equal("1000", datasets["tank/a"]["available"]);
    }

    [Fact]
    public void Parse_of_empty_output_is_empty()
    {
        Assert.Empty(ZfsGetParser.Parse(""));
        Assert.Empty(ZfsGetParser.Parse("\n"));
    }

    [Fact]
    public void Parse_keeps_a_tab_inside_a_value() =>
        Assert.Equal("a\tb", ZfsGetParser.Parse("tank/a\torg.example:note\ta\tb\n")["tank/a"]["org.example:note"]);

    [Fact]
    public void Parse_keeps_spaces_inside_a_value() =>
        Assert.Equal("203.0.113.5:rw 198.51.100.0/24:ro",
            ZfsGetParser.Parse("tank/a\tsharenfs\t203.0.113.5:rw 198.51.100.0/24:ro\n")["tank/a"]["sharenfs"]);

    [Theory]
    [InlineData("NAME  PROPERTY  VALUE  SOURCE\n")]
    [InlineData("tank/a\tused\n")]
    [InlineData("\tused\t1\n")]
    public void Parse_refuses_lines_without_three_columns(string output) =>
        Assert.Throws<FormatException>(() => ZfsGetParser.Parse(output));
}
