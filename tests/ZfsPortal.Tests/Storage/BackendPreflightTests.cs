using System.Diagnostics;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>Preflight and host-key fetch against the main local host, healthy and with broken settings.</summary>
[Collection("storage-host")]
public sealed class BackendPreflightTests(StorageHostFixture host) : IDisposable
{
    private readonly SshConnectionPool _pool = new();

    private SshBackendProbe Probe => new(_pool, TimeProvider.System);

    public void Dispose() => _pool.Dispose();

    [Fact]
    public async Task Preflight_of_the_healthy_host_passes_every_check_and_finds_zfs_fuse()
    {
        var backend = host.Backend;

        var report = await Probe.PreflightAsync(backend, default);

        Assert.True(report.Passed, Describe(report));
        Assert.Equal(Enum.GetValues<PreflightStep>(), report.Checks.Select(c => c.Step));
        Assert.All(report.Checks, c => Assert.Null(c.Fix));
        Assert.Equal(ZfsDialects.ZfsFuse, report.Dialect);
        Assert.Contains("zfs-fuse", report[PreflightStep.Dialect].Detail, StringComparison.Ordinal);
        Assert.Equal("Program zfs found at /usr/sbin/zfs", report[PreflightStep.Zfs].Name);
        Assert.Contains("SHA256:" + backend.HostKeySha256, report[PreflightStep.HostKey].Detail, StringComparison.Ordinal);
        Assert.Contains(host.Pool + ":", report[PreflightStep.Pools].Detail, StringComparison.Ordinal);
        Assert.Contains("SSH-2.0-OpenSSH", report[PreflightStep.Reachable].Detail, StringComparison.Ordinal);

        // Every command ran as sudo -n [guard] <absolute path> and was recorded; none was changed by the preflight (the guard's
        // two probes: a refused destroy of a pool no host has, and a read of an absent dataset).
        // With an exports file, the NFS helper check reads it through the guard (issue 11).
        string[] tools = backend.GuardPath.Length > 0
            ? [backend.ZfsPath, backend.ZpoolPath, backend.ExportfsPath, backend.ZfsPath, .. (string[])(backend.ExportsFile.Length > 0 ? [backend.ExportsFile] : []),
               backend.ZpoolPath, backend.ZfsPath]
            : [backend.ZfsPath, backend.ZpoolPath, backend.ExportfsPath, backend.ZfsPath];
        Assert.All(report.Commands, c => Assert.Equal(["/usr/bin/sudo", "-n"], c.Argv.Take(2)));
        Assert.Equal(tools, report.Commands.Select(c => new ZfsCommands(backend).Shown(c.Argv)[0]));
        Assert.Equal(0, _pool.OpenConnections(backend)); // its own connection, not the pool's
    }

    [Fact]
    public async Task A_key_the_host_does_not_know_fails_Authenticated_with_the_authorized_keys_fix_and_skips_the_rest()
    {
        var dir = Directory.CreateTempSubdirectory("zfsportal-preflight-key-").FullName;
        try
        {
            var key = Path.Combine(dir, "id_ed25519");
            using (var keygen = Process.Start("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])!)
            {
                await keygen.WaitForExitAsync();
                Assert.Equal(0, keygen.ExitCode);
            }

            var backend = host.Backend;
            backend.PrivateKeyPath = key;

            var report = await Probe.PreflightAsync(backend, default);

            Assert.Equal(CheckOutcome.Passed, report[PreflightStep.Reachable].Outcome);
            Assert.Equal(CheckOutcome.Passed, report[PreflightStep.HostKey].Outcome);
            var auth = report[PreflightStep.Authenticated];
            Assert.Equal(CheckOutcome.Failed, auth.Outcome);
            Assert.Contains($"refused the key {key} for user '{backend.User}'", auth.Detail, StringComparison.Ordinal);
            Assert.Contains($"~{backend.User}/.ssh/authorized_keys", auth.Fix, StringComparison.Ordinal);
            Assert.Contains($"ssh-keygen -y -f {key}", auth.Fix, StringComparison.Ordinal);
            Assert.Contains($"usermod -p '*' {backend.User}", auth.Fix, StringComparison.Ordinal);
            Assert.All(report.Checks.Where(c => c.Step > PreflightStep.Authenticated), c =>
            {
                Assert.Equal(CheckOutcome.Skipped, c.Outcome);
                Assert.Equal("Not checked, because 'Key login accepted' failed.", c.Detail);
            });
            Assert.Empty(report.Commands);
            Assert.Null(report.Dialect);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_key_file_fails_Authenticated_but_the_host_key_is_still_checked()
    {
        var backend = host.Backend;
        backend.PrivateKeyPath = "/nonexistent/zfsportal/id_ed25519";

        var report = await Probe.PreflightAsync(backend, default);

        Assert.Equal(CheckOutcome.Passed, report[PreflightStep.HostKey].Outcome);
        var auth = report[PreflightStep.Authenticated];
        Assert.Equal(CheckOutcome.Failed, auth.Outcome);
        Assert.Equal("The private key file /nonexistent/zfsportal/id_ed25519 does not exist on the portal machine.", auth.Detail);
        Assert.Contains("correct PrivateKeyPath in the backend settings", auth.Fix, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.Skipped, report[PreflightStep.Sudo].Outcome);
    }

    [Fact]
    public async Task A_missing_pool_fails_Pools_present_naming_it_and_the_pools_the_host_has()
    {
        var backend = host.Backend;
        backend.Pools = [host.Pool, "nosuchpool"];

        var report = await Probe.PreflightAsync(backend, default);

        var pools = report[PreflightStep.Pools];
        Assert.Equal(CheckOutcome.Failed, pools.Outcome);
        if (backend.GuardPath.Length > 0)
        {
            // The guard refuses a pool its config does not list before zfs could say it is missing.
            Assert.Equal($"The guard at {backend.GuardPath} refused to read the pools: 'nosuchpool' is not in this backend's pools ({host.Pool}).", pools.Detail);
            Assert.StartsWith($"List {host.Pool}, nosuchpool on the POOLS line of the config file named on the CONFIG line of {backend.GuardPath}", pools.Fix, StringComparison.Ordinal);
            Assert.All(report.Checks.Where(c => c.Step != PreflightStep.Pools), c => Assert.Equal(CheckOutcome.Passed, c.Outcome));
            return;
        }

        Assert.StartsWith("Not found on the host: nosuchpool (zfs: cannot open 'nosuchpool': dataset does not exist).", pools.Detail, StringComparison.Ordinal);
        Assert.Contains($"Present: {host.Pool}: ", pools.Detail, StringComparison.Ordinal);
        Assert.Contains("Create or import pool nosuchpool on the host (`zpool import NAME`", pools.Fix, StringComparison.Ordinal);
        Assert.Contains("or correct the backend's pool list", pools.Fix, StringComparison.Ordinal);
        var fix = pools.Fix!;
        Assert.Contains($" {host.Pool}", fix[fix.IndexOf("The host has", StringComparison.Ordinal)..], StringComparison.Ordinal);

        // Nothing else depends on the missing pool: the rest passes.
        Assert.All(report.Checks.Where(c => c.Step != PreflightStep.Pools), c => Assert.Equal(CheckOutcome.Passed, c.Outcome));
    }

    [Fact]
    public async Task A_wrong_pin_fails_the_host_key_check_showing_both_fingerprints()
    {
        var backend = host.Backend;
        var real = backend.HostKeySha256;
        const string wrong = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        backend.HostKeySha256 = wrong;

        var report = await Probe.PreflightAsync(backend, default);

        var check = report[PreflightStep.HostKey];
        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Equal($"The host presents an ssh-ed25519 key with fingerprint SHA256:{real}, but the backend pins SHA256:{wrong}.", check.Detail);
        Assert.Contains("`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host", check.Fix, StringComparison.Ordinal);
        Assert.Contains($"HostKeySha256 = {real}", check.Fix, StringComparison.Ordinal);
        Assert.Contains("keep the pin", check.Fix, StringComparison.Ordinal);
        Assert.All(report.Checks.Where(c => c.Step > PreflightStep.HostKey), c => Assert.Equal(CheckOutcome.Skipped, c.Outcome));
        Assert.Empty(report.Commands);
    }

    [Fact]
    public async Task An_empty_pin_fails_the_host_key_check_showing_the_presented_fingerprint_to_pin()
    {
        var backend = host.Backend;
        var real = backend.HostKeySha256;
        backend.HostKeySha256 = "";

        var report = await Probe.PreflightAsync(backend, default);

        var check = report[PreflightStep.HostKey];
        Assert.Equal(CheckOutcome.Failed, check.Outcome);
        Assert.Contains($"fingerprint SHA256:{real}, but no fingerprint is pinned", check.Detail, StringComparison.Ordinal);
        Assert.StartsWith(
            "Pin it in the backend settings after comparing it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the host",
            check.Fix, StringComparison.Ordinal);
        Assert.EndsWith($"set HostKeySha256 to {real}.", check.Fix, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.Skipped, report[PreflightStep.Authenticated].Outcome);
    }

    [Fact]
    public async Task FetchHostKey_returns_exactly_the_fingerprint_the_host_script_recorded()
    {
        var backend = host.Backend;
        var pinned = backend.HostKeySha256;
        backend.HostKeySha256 = "";                       // not needed, and not trusted:
        backend.PrivateKeyPath = "/nonexistent/key";     // no key is used either

        var presented = await Probe.FetchHostKeyAsync(backend, default);

        Assert.Equal(new PresentedHostKey("ssh-ed25519", pinned), presented);
    }

    [Fact]
    public async Task FetchHostKey_of_a_closed_port_says_nothing_listens()
    {
        var backend = host.Backend;
        backend.Port = 1; // tcpmux: nothing listens on loopback here
        backend.ConnectTimeoutSeconds = 2;

        var error = await Assert.ThrowsAsync<StorageHostException>(() => Probe.FetchHostKeyAsync(backend, default));

        Assert.Equal(StorageFailure.Unreachable, error.Failure);
        Assert.Contains("Nothing accepts connections at 127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_of_a_closed_port_fails_Reachable_and_skips_everything_else()
    {
        var backend = host.Backend;
        backend.Port = 1;
        backend.ConnectTimeoutSeconds = 2;

        var report = await Probe.PreflightAsync(backend, default);

        var reachable = report[PreflightStep.Reachable];
        Assert.Equal(CheckOutcome.Failed, reachable.Outcome);
        Assert.Equal("Nothing accepts connections at 127.0.0.1:1 (connection refused).", reachable.Detail);
        Assert.Contains("Check that sshd runs on the host and listens on 127.0.0.1:1", reachable.Fix, StringComparison.Ordinal);
        Assert.Equal(Enum.GetValues<PreflightStep>().Length - 1, report.Checks.Count(c => c.Outcome == CheckOutcome.Skipped));
    }

    [Fact]
    public async Task A_wrong_zpool_path_fails_the_sudo_check_with_the_rule_for_that_path()
    {
        var backend = host.Backend;
        backend.ZpoolPath = "/usr/local/sbin/zpool";

        var report = await Probe.PreflightAsync(backend, default);

        if (backend.GuardPath.Length > 0)
        {
            // sudo runs the guard whatever follows; the guard refuses a zpool it does not run, and says where to fix it.
            Assert.Equal(CheckOutcome.Passed, report[PreflightStep.Sudo].Outcome);
            var zpool = report[PreflightStep.Zpool];
            Assert.Equal(CheckOutcome.Failed, zpool.Outcome);
            Assert.StartsWith($"The guard at {backend.GuardPath} refused `/usr/local/sbin/zpool list -H -o name`: /usr/local/sbin/zpool is not a program this guard runs",
                zpool.Detail, StringComparison.Ordinal);
            Assert.StartsWith("Set ZpoolPath in the backend settings to the path the guard runs", zpool.Fix, StringComparison.Ordinal);
            Assert.Equal(CheckOutcome.Passed, report[PreflightStep.Pools].Outcome);
            return;
        }

        var sudo = report[PreflightStep.Sudo];
        Assert.Equal(CheckOutcome.Failed, sudo.Outcome);
        Assert.StartsWith($"sudo -n refused to run /usr/local/sbin/zpool for '{backend.User}' (sudo: a password is required).", sudo.Detail, StringComparison.Ordinal);
        Assert.Contains($"`{backend.User} ALL=(root) NOPASSWD: /usr/sbin/zfs, /usr/local/sbin/zpool, /usr/sbin/exportfs`", sudo.Fix, StringComparison.Ordinal);
        Assert.Contains("correct the path in the backend settings", sudo.Fix, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.Skipped, report[PreflightStep.Zpool].Outcome);
        Assert.Equal(CheckOutcome.Passed, report[PreflightStep.Zfs].Outcome);
        Assert.Equal(CheckOutcome.Passed, report[PreflightStep.Pools].Outcome);
    }

    [Fact]
    public async Task The_sharenfs_helper_reads_the_property_and_names_the_dialects_syntax()
    {
        var backend = host.Backend;
        backend.NfsHelper = "sharenfs";

        var report = await Probe.PreflightAsync(backend, default);

        var helper = report[PreflightStep.NfsHelper];
        Assert.Equal(CheckOutcome.Passed, helper.Outcome);
        Assert.Contains($"sharenfs of {host.Pool} ('off')", helper.Detail, StringComparison.Ordinal);
        Assert.Contains("zfs-fuse syntax", helper.Detail, StringComparison.Ordinal);
    }

    private static string Describe(PreflightReport report) =>
        string.Join("\n", report.Checks.Select(c => $"{c.Outcome} {c.Name}: {c.Detail} {c.Fix}"));
}
