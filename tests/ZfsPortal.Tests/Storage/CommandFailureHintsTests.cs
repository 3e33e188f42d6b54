using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class CommandFailureHintsTests
{
    private static readonly BackendOptions Backend = new() { Name = "b1", User = "zfsportal" };
    private static readonly string[] Argv = ["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "create", "tank/x"];

    [Fact]
    public void A_sudo_password_prompt_asks_for_a_nopasswd_rule() =>
        Assert.Contains("zfsportal ALL=(root) NOPASSWD: /usr/sbin/zfs",
            CommandFailureHints.For(1, "sudo: a password is required", Backend, Argv), StringComparison.Ordinal);

    [Fact]
    public void A_wrong_command_path_points_at_the_path_settings() =>
        Assert.Contains("check SudoPath and ZfsPath of backend 'b1'",
            CommandFailureHints.For(127, "sh: 1: /usr/bin/sudo: not found", Backend, Argv), StringComparison.Ordinal);

    [Fact]
    public void An_ordinary_zfs_error_gets_no_hint() =>
        Assert.Equal("", CommandFailureHints.For(1, "cannot create 'tank/x': dataset already exists", Backend, Argv));
}
