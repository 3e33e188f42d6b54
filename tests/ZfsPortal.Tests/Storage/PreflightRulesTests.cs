using System.Net.Sockets;
using Renci.SshNet.Common;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>How host answers become preflight checks, each failure with the fix it names.</summary>
public sealed class PreflightRulesTests
{
    private static readonly BackendOptions B = new()
    {
        Name = "b1", Host = "192.0.2.10", Port = 22, User = "zfsportal", PrivateKeyPath = "/etc/zfsportal/id_ed25519",
        Pools = ["tank"], ConnectTimeoutSeconds = 5,
    };

    private const string Rule = "zfsportal ALL=(root) NOPASSWD: /usr/sbin/zfs, /usr/sbin/zpool, /usr/sbin/exportfs";

    private static CommandAnswer Answer(int exit, string stdout = "", string stderr = "", params string[] args) =>
        new(["/usr/bin/sudo", "-n", "/usr/sbin/zfs", .. args], exit, stdout, stderr);

    private static Dictionary<PreflightStep, CommandAnswer> Answers(CommandAnswer zfs, CommandAnswer zpool, CommandAnswer exportfs) => new()
    {
        [PreflightStep.Zfs] = zfs, [PreflightStep.Zpool] = zpool, [PreflightStep.Exportfs] = exportfs,
    };

    // --- sudo -----------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(1, "sudo: a password is required", "PasswordRequired")]
    [InlineData(1, "sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper", "PasswordRequired")]
    [InlineData(1, "Sorry, user zfsportal is not allowed to execute '/usr/sbin/zfs version' as root on host.", "NotAllowed")]
    [InlineData(1, "zfsportal is not in the sudoers file.  This incident will be reported.", "NotAllowed")]
    [InlineData(1, "sudo: sorry, you must have a tty to run sudo", "TtyRequired")]
    [InlineData(127, "bash: line 1: /usr/bin/sudo: No such file or directory", "SudoMissing")]
    [InlineData(1, "sudo: /usr/sbin/zpool: command not found", "Ran")]
    [InlineData(1, "cannot open 'tank': dataset does not exist", "Ran")]
    [InlineData(0, "", "Ran")]
    public void Sudo_answers_are_classified(int exit, string stderr, string expected) =>
        Assert.Equal(expected, PreflightRules.ClassifySudo(exit, stderr).ToString());

    [Fact]
    public void A_password_prompt_for_every_command_asks_for_the_nopasswd_drop_in_with_its_exact_lines()
    {
        const string refused = "sudo: a password is required";
        var check = PreflightRules.Sudo(B, Answers(Answer(1, stderr: refused), Answer(1, stderr: refused), Answer(1, stderr: refused)));

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Equal("Sudo works without a tty", check.Name);
        Assert.Equal("sudo -n refused to run /usr/sbin/zfs, /usr/sbin/zpool and /usr/sbin/exportfs for 'zfsportal' (sudo: a password is required).", check.Detail);
        Assert.Equal(
            "Add a sudoers drop-in on the host, e.g. /etc/sudoers.d/zfsportal (mode 0440, owned by root; check it with `visudo -cf FILE`), " +
            $"with exactly these lines: `Defaults:zfsportal !requiretty` and `{Rule}`.", check.Fix);
    }

    [Fact]
    public void Not_being_allowed_asks_for_the_same_rule()
    {
        const string refused = "Sorry, user zfsportal is not allowed to execute '/usr/sbin/zfs version' as root on host.";
        var check = PreflightRules.Sudo(B, Answers(Answer(1, stderr: refused), Answer(1, stderr: refused), Answer(1, stderr: refused)));

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Contains($"`{Rule}`", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Requiretty_asks_for_the_defaults_line_only()
    {
        const string tty = "sudo: sorry, you must have a tty to run sudo";
        var check = PreflightRules.Sudo(B, Answers(Answer(1, stderr: tty), Answer(1, stderr: tty), Answer(1, stderr: tty)));

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Contains("(requiretty)", check.Detail, StringComparison.Ordinal);
        Assert.Equal("Add `Defaults:zfsportal !requiretty` to zfsportal's sudoers drop-in on the host (check it with `visudo -cf FILE`).", check.Fix);
    }

    [Fact]
    public void One_refused_path_among_allowed_ones_suggests_correcting_the_path_too()
    {
        var check = PreflightRules.Sudo(B, Answers(
            Answer(2, stderr: "unrecognized command 'version'"),
            Answer(0, stdout: "tank\n"),
            Answer(1, stderr: "sudo: a password is required")));

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.StartsWith("sudo -n refused to run /usr/sbin/exportfs for 'zfsportal'", check.Detail, StringComparison.Ordinal);
        Assert.EndsWith("It did run /usr/sbin/zfs and /usr/sbin/zpool.", check.Detail, StringComparison.Ordinal);
        Assert.Contains($"`{Rule}`", check.Fix, StringComparison.Ordinal);
        Assert.EndsWith("If /usr/sbin/exportfs is not where this host has that command, correct the path in the backend settings instead: " +
                        "sudo only allows the exact absolute path the rule names.", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_sudo_asks_to_install_it_or_correct_SudoPath()
    {
        const string missing = "bash: line 1: /usr/bin/sudo: No such file or directory";
        var check = PreflightRules.Sudo(B, Answers(Answer(127, stderr: missing), Answer(127, stderr: missing), Answer(127, stderr: missing)));

        Assert.Equal("There is no sudo at /usr/bin/sudo on the host (bash: line 1: /usr/bin/sudo: No such file or directory).", check.Detail);
        Assert.Equal("Install sudo on the host (`apt-get install sudo`), or set SudoPath in the backend settings to where it is (`command -v sudo` on the host).", check.Fix);
    }

    [Fact]
    public void Sudo_passes_when_it_ran_all_three_whatever_they_answered()
    {
        var check = PreflightRules.Sudo(B, Answers(Answer(2, stderr: "unrecognized command 'version'"), Answer(0), Answer(0)));

        Assert.Equal(CheckOutcome.Passed, check.Outcome);
        Assert.Null(check.Fix);
    }

    // --- zfs, zpool, exportfs found -------------------------------------------------------------------------

    [Fact]
    public void A_command_sudo_cannot_find_asks_to_install_it_or_correct_the_path_matching_sudoers()
    {
        var check = PreflightRules.Found(PreflightStep.Zpool, B, Answer(1, stderr: "sudo: /usr/sbin/zpool: command not found"));

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Equal("Program zpool found at /usr/sbin/zpool", check.Name);
        Assert.Equal("There is no zpool at /usr/sbin/zpool on the host (sudo: /usr/sbin/zpool: command not found).", check.Detail);
        Assert.Equal(
            "Install ZFS on the host (Debian: zfsutils-linux for OpenZFS, or zfs-fuse), or set ZpoolPath in the backend settings to where zpool is " +
            $"(`command -v zpool` on the host); the sudoers rule must name the same absolute path ({Rule}).", check.Fix);
    }

    [Fact]
    public void A_missing_exportfs_asks_for_the_nfs_server_package()
    {
        var check = PreflightRules.Found(PreflightStep.Exportfs, B, Answer(1, stderr: "sudo: /usr/sbin/exportfs: command not found"));

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.StartsWith("Install the NFS server on the host (Debian: nfs-kernel-server; RHEL: nfs-utils), or set ExportfsPath", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Zfs_fuse_not_knowing_version_still_counts_as_zfs_found()
    {
        var check = PreflightRules.Found(PreflightStep.Zfs, B, Answer(2, stderr: "unrecognized command 'version'\nusage: zfs command args ..."));

        Assert.Equal(CheckOutcome.Passed, check.Outcome);
        Assert.Equal("/usr/sbin/zfs answers (`zfs version`: unrecognized command 'version').", check.Detail);
    }

    [Fact]
    public void Zfs_without_its_daemon_asks_to_start_zfs()
    {
        var check = PreflightRules.Found(PreflightStep.Zfs, B, Answer(1,
            stderr: "connect: No such file or directory\nPlease make sure that the zfs-fuse daemon is running.\ninternal error: failed to initialize ZFS library"));

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Equal("Start ZFS on the host: the zfs-fuse daemon (`zfs-fuse`), or the OpenZFS kernel module (`modprobe zfs`).", check.Fix);
    }

    [Fact]
    public void A_command_sudo_refused_is_skipped_not_failed()
    {
        var check = PreflightRules.Found(PreflightStep.Zfs, B, Answer(1, stderr: "sudo: a password is required"));

        Assert.Equal(CheckOutcome.Skipped, check.Outcome);
        Assert.Equal("Not checked: sudo did not run /usr/sbin/zfs (see 'Sudo works without a tty').", check.Detail);
    }

    // --- pools ----------------------------------------------------------------------------------------------

    [Fact]
    public void A_missing_pool_is_named_with_the_pools_the_host_has()
    {
        var b = new BackendOptions { Name = "b1", User = "zfsportal", Pools = ["tank", "nosuchpool"] };
        var (check, found) = PreflightRules.Pools(b,
            Answer(1, "tank\tavailable\t1073741824\ntank\tused\t1048576\n", "cannot open 'nosuchpool': dataset does not exist"),
            ["tank", "backup"]);

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Equal("Not found on the host: nosuchpool (zfs: cannot open 'nosuchpool': dataset does not exist). " +
                     "Present: tank: 1 GiB available, 1 MiB used.", check.Detail);
        Assert.Equal("Create or import pool nosuchpool on the host (`zpool import NAME` when its disks are attached but not imported, " +
                     "otherwise `zpool create NAME …`), or correct the backend's pool list. The host has the pools tank, backup.", check.Fix);
        Assert.Equal([new PoolCapacity("tank", 1073741824, 1048576)], found);
    }

    [Fact]
    public void Every_pool_present_passes_with_its_capacity()
    {
        var (check, found) = PreflightRules.Pools(B, Answer(0, "tank\tavailable\t5368709120\ntank\tused\t0\n"), null);

        Assert.Equal(CheckOutcome.Passed, check.Outcome);
        Assert.Equal("Every pool answers: tank: 5 GiB available, 0 B used.", check.Detail);
        Assert.Single(found);
    }

    [Fact]
    public void Unreadable_zfs_get_output_fails_the_pools_check()
    {
        var (check, _) = PreflightRules.Pools(B, Answer(0, "NAME  PROPERTY  VALUE\n"), null);

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Contains("cannot read", check.Detail, StringComparison.Ordinal);
    }

    // --- dialect, NFS helper --------------------------------------------------------------------------------

    [Fact]
    public void Zfs_fuse_is_detected_by_its_unknown_version_command()
    {
        var (check, dialect) = PreflightRules.Dialect(B, Answer(2, stderr: "unrecognized command 'version'"));

        Assert.Equal(CheckOutcome.Passed, check.Outcome);
        Assert.Equal(ZfsDialect.ZfsFuse, dialect);
        Assert.StartsWith("zfs-fuse", check.Detail, StringComparison.Ordinal);
        Assert.Equal("zfs-fuse", PreflightRules.OptionName(dialect));
    }

    [Fact]
    public void OpenZfs_is_detected_with_its_version()
    {
        var (check, dialect) = PreflightRules.Dialect(B, Answer(0, "zfs-2.1.11-1\nzfs-kmod-2.1.11-1\n"));

        Assert.Equal(ZfsDialect.OpenZfs, dialect);
        Assert.Equal("OpenZFS zfs-2.1.11-1, detected by `zfs version`.", check.Detail);
        Assert.Equal("openzfs", PreflightRules.OptionName(dialect));
    }

    [Fact]
    public void A_configured_dialect_the_host_contradicts_fails_with_the_setting_to_change()
    {
        var b = new BackendOptions { Name = "b1", ZfsDialect = ZfsDialects.ZfsFuse };
        var (check, _) = PreflightRules.Dialect(b, Answer(0, "zfs-2.2.2-1\n"));

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Equal("Set ZfsDialect in the backend settings to 'openzfs' (or 'auto').", check.Fix);
    }

    [Fact]
    public void An_unreadable_export_table_fails_the_nfs_helper()
    {
        var check = PreflightRules.NfsHelper(B, Answer(0, "/tank/a\t(rw)\n"), null, null, ZfsDialect.ZfsFuse);

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Equal("NFS helper works", check.Name);
        Assert.Contains("cannot read", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void The_exportfs_helper_passes_when_the_table_and_its_exports_file_read()
    {
        var b = B.Clone();
        (b.GuardPath, b.ExportsFile) = ("/usr/local/sbin/zfsportal-guard", "/etc/exports.d/zfsportal.exports");
        var check = PreflightRules.NfsHelper(b, Answer(0, "/tank/a       \t192.0.2.5(sync,wdelay,root_squash)\n"), null, null, null, Answer(0));

        Assert.Equal(CheckOutcome.Passed, check.Outcome);
        Assert.Equal("The exportfs helper can read the host's export table (`exportfs -v`, entries: 1) and keeps its exports in " +
                     "/etc/exports.d/zfsportal.exports for reboots and `exportfs -ra`.", check.Detail);
    }

    [Fact]
    public void The_exportfs_helper_without_an_exports_file_fails_and_names_the_guards_rule()
    {
        var none = PreflightRules.NfsHelper(B, Answer(0, ""), null, null, null);
        var b = B.Clone();
        (b.GuardPath, b.ExportsFile) = ("/usr/local/sbin/zfsportal-guard", "/etc/exports.d/zfsportal.exports");
        var refused = PreflightRules.NfsHelper(b, Answer(0, ""), null, null, null,
            Answer(126, stderr: "zfsportal-guard: refused: /etc/exports.d/zfsportal.exports is not a program this guard runs"));

        Assert.Equal(CheckOutcome.Failed, none.Outcome);
        Assert.Contains("a reboot or `exportfs -ra`", none.Detail, StringComparison.Ordinal);
        Assert.Contains("EXPORTS_FILE=/etc/exports.d/zfsportal.exports", none.Fix, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.Failed, refused.Outcome);
        Assert.Contains("Add the line EXPORTS_FILE=/etc/exports.d/zfsportal.exports to the guard's config", refused.Fix, StringComparison.Ordinal);
    }

    // --- connection -----------------------------------------------------------------------------------------

    [Fact]
    public void A_refused_connection_fails_Reachable_with_the_sshd_and_firewall_fix()
    {
        var check = PreflightRules.Reachable(B, null, new SocketException((int)SocketError.ConnectionRefused), timedOut: false);

        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Equal("Nothing accepts connections at 192.0.2.10:22 (connection refused).", check.Detail);
        Assert.Equal("Check that sshd runs on the host and listens on 192.0.2.10:22 (Port and ListenAddress in its sshd_config), " +
                     "that Host and Port in the backend settings are right, and that no firewall rejects the port.", check.Fix);
    }

    [Fact]
    public void A_silent_address_fails_Reachable_naming_the_timeout()
    {
        var check = PreflightRules.Reachable(B, null, new OperationCanceledException(), timedOut: true);

        Assert.Equal("192.0.2.10:22 did not answer within 5 s.", check.Detail);
        Assert.Contains("no firewall drops traffic to port 22", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Something_that_is_not_sshd_fails_Reachable()
    {
        var check = PreflightRules.Reachable(B, null, new SshConnectionException("Server response does not contain SSH identification string"), false);

        Assert.Equal("192.0.2.10:22 accepted the connection but did not answer as an SSH server (Server response does not contain SSH identification string).", check.Detail);
    }

    [Fact]
    public void An_ecdsa_host_key_points_at_the_ecdsa_key_file()
    {
        var b = new BackendOptions { HostKeySha256 = "" };
        var check = PreflightRules.HostKey(b, new PresentedHostKey("ecdsa-sha2-nistp256", "abc"), false, null, false);

        Assert.Contains("`ssh-keygen -lf /etc/ssh/ssh_host_ecdsa_key.pub` on the host", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_passphrase_protected_key_asks_to_remove_the_passphrase()
    {
        var (detail, fix) = PreflightRules.KeyFileProblem(B, new SshPassPhraseNullOrEmptyException("Private key is encrypted but passphrase is empty."));

        Assert.Equal("The private key file /etc/zfsportal/id_ed25519 is protected by a passphrase, which the portal cannot type.", detail);
        Assert.StartsWith("Remove the passphrase (`ssh-keygen -p -N '' -f /etc/zfsportal/id_ed25519`)", fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_key_names_authorized_keys_and_the_locked_account_fix()
    {
        var check = PreflightRules.Authenticated(B, new SshAuthenticationException("Permission denied (publickey)."), false);

        Assert.Equal("The host refused the key /etc/zfsportal/id_ed25519 for user 'zfsportal' (Permission denied (publickey)).", check.Detail);
        Assert.Contains("to ~zfsportal/.ssh/authorized_keys on the host", check.Fix, StringComparison.Ordinal);
        Assert.Contains("`usermod -p '*' zfsportal`", check.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(21006483456, "19.6 GiB")]
    public void Bytes_read_as_binary_units(long bytes, string expected) => Assert.Equal(expected, PreflightRules.Bytes(bytes));

    [Fact]
    public void The_health_command_reads_every_pool_at_once_and_pools_are_listed_portably()
    {
        var zfs = new ZfsCommands(new BackendOptions());

        Assert.Equal(["/usr/bin/sudo", "-n", "/usr/sbin/zfs", "get", "-H", "-p", "-o", "name,property,value", "available,used", "tank", "backup"],
            zfs.GetPoolsCapacity(["tank", "backup"]));
        Assert.Equal(["/usr/bin/sudo", "-n", "/usr/sbin/zpool", "list", "-H", "-o", "name"], zfs.ListPools());
        Assert.Throws<ArgumentException>(() => zfs.GetPoolsCapacity(["tank/child"]));
        Assert.Throws<ArgumentException>(() => zfs.GetPoolsCapacity([]));
    }
}
