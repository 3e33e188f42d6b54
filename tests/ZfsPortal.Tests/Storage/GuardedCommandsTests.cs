using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>The portal's side of a host guard, without a host: the argv it sends, how it reads a refusal, what the preflight says.</summary>
public sealed class GuardedCommandsTests
{
    private const string Guard = "/usr/local/sbin/zfsportal-guard";

    private static readonly BackendOptions B = new()
    {
        Name = "b1", User = "zfsportal", Pools = ["tank"], DatasetPrefix = "zfsportal_share_", GuardPath = Guard,
    };

    private readonly ZfsCommands _zfs = new(B);

    [Fact]
    public void Every_command_goes_through_the_guard_with_the_tools_path_after_it()
    {
        string[] prefix = ["/usr/bin/sudo", "-n", Guard];
        Assert.Equal([.. prefix, "/usr/sbin/zfs", "get", "-H", "-p", "-o", "name,property,value", "used", "tank/s"], _zfs.GetProperties("tank/s", ["used"]));
        Assert.Equal([.. prefix, "/usr/sbin/zpool", "list", "-H", "-o", "name"], _zfs.ListPools());
        Assert.Equal([.. prefix, "/usr/sbin/exportfs", "-v"], _zfs.ListExports());
        Assert.Equal([.. prefix, "/usr/sbin/zfs", "clone", "-o", "devices=off", "-o", "refquota=1G", "-o", "setuid=off", "tank/s@x", "tank/c"],
            _zfs.Clone("tank/s@x", "tank/c", new Dictionary<string, string> { ["refquota"] = "1G" }));
        Assert.Equal([.. prefix, "/usr/sbin/zpool", "destroy", "zfsportal_guard_probe"], _zfs.GuardProbe());
        Assert.Equal([.. prefix, "/usr/sbin/zfs", "send", "tank/s@x", "|", "/usr/sbin/zfs", "receive", "tank/c"], _zfs.GuardedCopy("tank/s@x", "tank/c"));
        Assert.Null(new ZfsCommands(new BackendOptions()).GuardedCopy("tank/s@x", "tank/c"));
    }

    [Fact]
    public void Without_a_guard_the_argv_is_as_before() =>
        Assert.Equal(["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "clone", "-o", "devices=off", "-o", "refquota=1G", "-o", "setuid=off", "tank/s@x", "tank/c"],
            new ZfsCommands(new BackendOptions()).Clone("tank/s@x", "tank/c", new Dictionary<string, string> { ["refquota"] = "1G" }));

    [Fact]
    public void Shown_drops_sudo_and_the_guard_but_nothing_else()
    {
        Assert.Equal(["/usr/sbin/zfs", "destroy", "tank/s"], _zfs.Shown(_zfs.DestroyDataset("tank/s")));
        Assert.Equal(["/usr/sbin/zfs", "destroy", "tank/s"], new ZfsCommands(new BackendOptions()).Shown(["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "destroy", "tank/s"]));
        Assert.Equal(["printf", "x"], _zfs.Shown(["printf", "x"]));
    }

    [Fact]
    public void A_refusal_is_the_guards_exit_code_with_its_line_and_nothing_else()
    {
        Assert.True(HostGuard.Refused(126, "zfsportal-guard: refused: zpool destroy tank is not a command the portal sends\n"));
        Assert.Equal("zpool destroy tank is not a command the portal sends", HostGuard.Reason("zfsportal-guard: refused: zpool destroy tank is not a command the portal sends.\n"));
        Assert.False(HostGuard.Refused(1, "zfsportal-guard: refused: x"));
        Assert.False(HostGuard.Refused(126, "sh: 1: /x: Permission denied"));
    }

    [Fact]
    public void A_refusal_hint_names_the_guard_and_its_config()
    {
        var hint = CommandFailureHints.For(126, "zfsportal-guard: refused: 'other/x' is not in this backend's pools (tank)", B, _zfs.CreateDataset("tank/x", new Dictionary<string, string>()));
        Assert.StartsWith($" The host's guard ({Guard}) refused it, so nothing ran", hint, StringComparison.Ordinal);
        Assert.Contains($"the config file named on the CONFIG line of {Guard} on the host (POOLS, DATASET_PREFIXES", hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Sudo_hints_name_the_guard_in_the_rule_and_the_paths()
    {
        var argv = _zfs.DestroyDataset("tank/s");
        Assert.Contains($"zfsportal ALL=(root) NOPASSWD: {Guard}", CommandFailureHints.For(1, "sudo: a password is required", B, argv), StringComparison.Ordinal);
        Assert.Contains("check SudoPath, GuardPath and ZfsPath", CommandFailureHints.For(1, $"sudo: {Guard}: command not found", B, argv), StringComparison.Ordinal);
        Assert.Equal($"zfsportal ALL=(root) NOPASSWD: {Guard}", PreflightRules.SudoersRule(B));
    }

    [Fact]
    public void The_guard_check_fails_without_a_GuardPath_and_says_what_the_key_could_do()
    {
        var check = PreflightRules.Guard(new BackendOptions { User = "zfsportal" }, null, null);
        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Equal("Host guard", check.Name);
        Assert.Contains("whoever holds the portal's key can destroy every pool", check.Detail, StringComparison.Ordinal);
        Assert.Contains("`zfsportal ALL=(root) NOPASSWD: /usr/local/sbin/zfsportal-guard`", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void The_guard_check_fails_when_the_program_lets_zpool_destroy_through()
    {
        var check = PreflightRules.Guard(B, Answer(_zfs.GuardProbe(), 1, "cannot open 'zfsportal_guard_probe': no such pool"), null);
        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Equal($"{Guard} did not refuse `zpool destroy zfsportal_guard_probe` (exit 1: cannot open 'zfsportal_guard_probe': no such pool), " +
                     "so it is not the ZfsPortal guard.", check.Detail);
    }

    [Fact]
    public void The_guard_check_passes_when_the_destroy_is_refused_and_the_read_admitted()
    {
        var read = _zfs.GetProperties("tank/zfsportal_share_guard_probe", ["name"]);
        var check = PreflightRules.Guard(B, Answer(_zfs.GuardProbe(), 126, "zfsportal-guard: refused: zpool destroy zfsportal_guard_probe is not a command the portal sends"),
            Answer(read, 1, "cannot open 'tank/zfsportal_share_guard_probe': dataset does not exist"));
        Assert.Equal(CheckOutcome.Passed, check.Outcome);
        Assert.EndsWith("and lets the portal's commands on tank/zfsportal_share_… through.", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_guard_that_does_not_run_the_configured_zfs_fails_the_zfs_check_with_the_setting_to_change()
    {
        var answer = Answer(_zfs.Version(), 126, "zfsportal-guard: refused: /usr/sbin/zfs is not a program this guard runs (/sbin/zfs, /sbin/zpool, /sbin/exportfs)");
        var check = PreflightRules.Found(PreflightStep.Zfs, B, answer);
        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.StartsWith($"The guard at {Guard} refused `/usr/sbin/zfs version`: /usr/sbin/zfs is not a program", check.Detail, StringComparison.Ordinal);
        Assert.StartsWith("Set ZfsPath in the backend settings to the path the guard runs", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_guard_fails_the_checks_with_how_to_install_it()
    {
        var check = PreflightRules.Found(PreflightStep.Zfs, B, Answer(_zfs.Version(), 1, $"sudo: {Guard}: command not found"));
        Assert.Equal($"There is no guard at {Guard} on the host (sudo: {Guard}: command not found).", check.Detail);
        Assert.StartsWith("Install the guard on the host, as scripts/storage-host.sh up does", check.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("zfsportal-guard", "GuardPath must be empty (no guard) or an absolute path")]
    [InlineData("/usr/local/sbin/zfsportal-guard --x", "GuardPath must be empty (no guard) or an absolute path")]
    public void A_relative_GuardPath_is_refused_at_start(string guard, string message)
    {
        var b = new BackendOptions
        {
            Name = "b1", Host = "192.0.2.10", User = "u", PrivateKeyPath = "/k", ShareExportIp = "192.0.2.10", Pools = ["tank"], GuardPath = guard,
        };
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { Backends = [b] });
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    private static CommandAnswer Answer(IReadOnlyList<string> argv, int exit, string stderr) => new(argv, exit, "", stderr);
}
