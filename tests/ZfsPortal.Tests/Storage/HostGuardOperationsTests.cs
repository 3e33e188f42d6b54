using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>
/// Everything the portal does to a host still works through the guard (create, properties, snapshot, send|receive copy,
/// clone, exports, destroy), read back as root with the local tools; and the preflight knows a guarded host from one without.
/// </summary>
[Collection("guarded-storage-host")]
public sealed class HostGuardOperationsTests(GuardedStorageHostFixture host)
{
    private readonly RecordingCommandLog _log = new();

    [Fact]
    public async Task The_portals_operations_run_through_the_guard()
    {
        var backend = host.Backend;
        var ssh = host.Open(_log);
        var source = host.NewDatasetName();
        var copy = host.NewDatasetName();
        var clone = host.NewDatasetName();

        await ssh.CreateDatasetAsync(source, new Dictionary<string, string> { ["refquota"] = "1G", ["compression"] = "on" }, default);
        await ssh.SetPropertiesAsync(source, new Dictionary<string, string> { ["refquota"] = "2G" }, default);
        await ssh.CreateSnapshotAsync($"{source}@{backend.SnapshotPrefix}1", default);
        await ssh.CopyFromSnapshotAsync($"{source}@{backend.SnapshotPrefix}1", copy, new Dictionary<string, string> { ["refquota"] = "1G" }, default);
        await ssh.CloneSnapshotAsync($"{source}@{backend.SnapshotPrefix}1", clone, new Dictionary<string, string> { ["refquota"] = "1G" }, default);

        Assert.Equal("2147483648", (await GuardedStorageHostFixture.ZfsGetAsync(source, "refquota"))!["refquota"]);
        Assert.Equal("1073741824", (await GuardedStorageHostFixture.ZfsGetAsync(copy, "refquota"))!["refquota"]);
        Assert.Equal($"{source}@{backend.SnapshotPrefix}1", (await GuardedStorageHostFixture.ZfsGetAsync(clone, "origin"))!["origin"]);
        Assert.Contains(_log.Records, r => r.Argv.Contains(SshStorageHost.PipeWord) && r.ExitCode == 0); // send | receive ran
        Assert.All(_log.Records, r => Assert.Equal([backend.SudoPath, "-n", backend.GuardPath], r.Argv.Take(3)));

        var mountpoint = "/" + source;
        NfsClientRule[] rules =
        [
            new(AccessTarget.Parse("192.0.2.20"), NfsAccessLevel.ReadWrite, false),
            new(AccessTarget.Parse("198.51.100.0/24"), NfsAccessLevel.ReadOnly, true),
            new(AccessTarget.Parse("2001:db8::/32"), NfsAccessLevel.ReadOnly, true),
        ];
        await ssh.ApplyExportsAsync(new NfsExport(source, mountpoint, rules), default);
        Assert.Equal(3, (await ssh.ReadExportsAsync(mountpoint, default)).Count);
        await ssh.ApplyExportsAsync(new NfsExport(source, mountpoint, []), default);
        Assert.DoesNotContain(mountpoint, await GuardedStorageHostFixture.ExportfsAsync(), StringComparison.Ordinal);

        Assert.True(await ssh.DestroyDatasetAsync(clone, default));
        Assert.True(await ssh.DestroySnapshotAsync($"{source}@{backend.SnapshotPrefix}1", default));
        Assert.True(await ssh.DestroyDatasetAsync(copy, default));
        Assert.True(await ssh.DestroyDatasetAsync(source, default));
        foreach (var gone in new[] { source, copy, clone })
        {
            Assert.Null(await GuardedStorageHostFixture.ZfsGetAsync(gone, "name"));
        }

        Assert.DoesNotContain(_log.Records, r => r.ExitCode == 126);
    }

    [Fact]
    public async Task Preflight_of_the_guarded_host_passes_and_proves_the_guard_refuses()
    {
        var backend = host.Backend;
        using var pool = new SshConnectionPool();

        var report = await new SshBackendProbe(pool, TimeProvider.System).PreflightAsync(backend, default);

        Assert.True(report.Passed, string.Join("\n", report.Checks.Select(c => $"{c.Outcome} {c.Name}: {c.Detail} {c.Fix}")));
        var guard = report[PreflightStep.Guard];
        Assert.Equal($"Host guard at {backend.GuardPath}", guard.Name);
        Assert.StartsWith($"{backend.GuardPath} refuses `zpool destroy` (zpool destroy zfsportal_guard_probe is not a command the portal sends",
            guard.Detail, StringComparison.Ordinal);
        var probe = report.Commands.Single(c => c.Argv.Contains("destroy"));
        Assert.Equal(126, probe.ExitCode);
    }

    [Fact]
    public async Task Without_GuardPath_sudo_refuses_the_tools_and_the_preflight_names_the_guard()
    {
        var backend = host.Backend;
        var guardPath = backend.GuardPath;
        backend.GuardPath = "";
        using var pool = new SshConnectionPool();

        var report = await new SshBackendProbe(pool, TimeProvider.System).PreflightAsync(backend, default);

        Assert.Equal(CheckOutcome.Failed, report[PreflightStep.Sudo].Outcome);
        var guard = report[PreflightStep.Guard];
        Assert.Equal(CheckOutcome.Failed, guard.Outcome);
        Assert.StartsWith("The backend has no GuardPath, so sudo runs /usr/sbin/zfs, /usr/sbin/zpool and /usr/sbin/exportfs with any arguments",
            guard.Detail, StringComparison.Ordinal);
        Assert.Contains("Then set GuardPath in the backend settings to that path.", guard.Fix, StringComparison.Ordinal);
        Assert.NotEqual("", guardPath);
    }

    [Fact]
    public async Task A_prefix_the_guard_does_not_admit_fails_the_guard_check_with_the_config_to_change()
    {
        var backend = host.Backend;
        backend.DatasetPrefix = "elsewhere_";
        using var pool = new SshConnectionPool();

        var report = await new SshBackendProbe(pool, TimeProvider.System).PreflightAsync(backend, default);

        var guard = report[PreflightStep.Guard];
        Assert.Equal(CheckOutcome.Failed, guard.Outcome);
        Assert.Equal($"The guard refuses the portal's own commands on this backend: reading {GuardedStorageHostFixture.PoolName}/elsewhere_guard_probe " +
                     $"was refused ('{GuardedStorageHostFixture.PoolName}/elsewhere_guard_probe' is not a portal dataset (one level below the pool, " +
                     "named zfsportal_share_… or zfsportal_test_… or zfsbench_…)).", guard.Detail);
        Assert.Contains("'elsewhere_' on DATASET_PREFIXES", guard.Fix, StringComparison.Ordinal);
    }

}
