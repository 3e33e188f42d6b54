using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>How the ganesha helper reads what the host's Ganesha program prints (no host needed).</summary>
public sealed class GaneshaExportTests
{
    private const string Path = "/tank/zfsportal_share_1";

    [Fact]
    public void Ganesha_helper_reads_the_export_id_and_each_client_rule()
    {
        var served = GaneshaExport.Parse(
            $"export\t100\t{Path}\nclient\t198.18.0.11\trw\troot_squash\nclient\t198.18.0.64/26\tro\tno_root_squash\n", Path);

        Assert.Equal(100, served.ExportId);
        Assert.Equal(
            [new NfsClientRule(AccessTarget.Parse("198.18.0.11"), NfsAccessLevel.ReadWrite, true),
             new NfsClientRule(AccessTarget.Parse("198.18.0.64/26"), NfsAccessLevel.ReadOnly, false)],
            served.Clients);
    }

    [Fact]
    public void Ganesha_helper_reads_no_output_as_not_exported()
    {
        var served = GaneshaExport.Parse("", Path);

        Assert.Null(served.ExportId);
        Assert.Empty(served.Clients);
    }

    [Theory]
    [InlineData("export\t100\t/tank/other\n")]
    [InlineData("client\t198.18.0.11\trw\troot_squash\n")]
    [InlineData($"export\t100\t{Path}\nclient\t198.18.0.11\tnone\troot_squash\n")]
    [InlineData($"export\t100\t{Path}\nclient\t*.example.com\trw\troot_squash\n")]
    [InlineData($"export\t100\t{Path}\nclient\t198.18.0.11\trw\tall_squash\n")]
    public void Ganesha_helper_refuses_output_it_cannot_express(string output) =>
        Assert.Throws<FormatException>(() => GaneshaExport.Parse(output, Path));

    [Fact]
    public void Ganesha_helper_commands_name_its_own_program_not_the_guard()
    {
        var backend = new BackendOptions { GuardPath = "/usr/local/sbin/zfsportal-guard", GaneshaPath = "/usr/local/sbin/zfsportal-ganesha" };
        var commands = new ZfsCommands(backend);

        Assert.Equal(
            ["/usr/bin/sudo", "-n", "/usr/local/sbin/zfsportal-ganesha", "apply", Path, "198.18.0.11=rw,root_squash", "2001:db8::/32=ro,no_root_squash"],
            commands.GaneshaApply(Path, [new(AccessTarget.Parse("198.18.0.11"), NfsAccessLevel.ReadWrite, true),
                                         new(AccessTarget.Parse("2001:db8::/32"), NfsAccessLevel.ReadOnly, false)]));
        Assert.Equal(["/usr/bin/sudo", "-n", "/usr/local/sbin/zfsportal-ganesha", "show", Path], commands.GaneshaShow(Path));
        Assert.Throws<ArgumentException>(() => commands.GaneshaShow("/tank/x y"));
    }
}
