using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>
/// Preflight and health against the second test host, broken on purpose (its sudoers rule taken away, its sshd
/// stopped) and repaired again by each test.
/// </summary>
[Collection("second-storage-host")]
public sealed class BrokenHostPreflightAndHealthTests(SecondStorageHostFixture second) : IDisposable
{
    private readonly SshConnectionPool _pool = new();

    public void Dispose() => _pool.Dispose();

    [Fact]
    public async Task Without_the_sudoers_rule_sudo_fails_with_the_exact_rule_to_add_and_the_zfs_checks_are_skipped()
    {
        var backend = second.Backend;
        var probe = new SshBackendProbe(_pool, TimeProvider.System);

        PreflightReport report;
        HealthReport health;
        using (second.SudoersMovedAside())
        {
            report = await probe.PreflightAsync(backend, default);
            health = await probe.CheckHealthAsync(backend, default);
        }

        // The script's host has a guard, and sudoers names only it.
        var guard = backend.GuardPath;
        Assert.NotEqual("", guard);
        Assert.False(health.Up);
        Assert.Contains("failed (exit 1): sudo: a password is required.", health.Problem, StringComparison.Ordinal);
        Assert.Contains($"'{SecondStorageHostFixture.User} ALL=(root) NOPASSWD: {guard}'", health.Problem, StringComparison.Ordinal);

        Assert.Equal(CheckOutcome.Passed, report[PreflightStep.Authenticated].Outcome);
        var sudo = report[PreflightStep.Sudo];
        Assert.Equal(CheckOutcome.Failed, sudo.Outcome);
        Assert.Equal($"sudo -n refused to run {guard} for '{SecondStorageHostFixture.User}' (sudo: a password is required).", sudo.Detail);
        Assert.Contains($"`{SecondStorageHostFixture.User} ALL=(root) NOPASSWD: {guard}`", sudo.Fix, StringComparison.Ordinal);
        Assert.Contains($"`Defaults:{SecondStorageHostFixture.User} !requiretty`", sudo.Fix, StringComparison.Ordinal);
        Assert.Contains("visudo -cf", sudo.Fix, StringComparison.Ordinal);
        Assert.All(report.Checks.Where(c => c.Step > PreflightStep.Sudo), c => Assert.Equal(CheckOutcome.Skipped, c.Outcome));
        Assert.Equal(3, report.Commands.Count);
        Assert.All(report.Commands, c => Assert.Equal("sudo: a password is required", c.Stderr));

        // With the rule back, the same host passes.
        var repaired = await probe.PreflightAsync(backend, default);
        Assert.True(repaired.Passed, string.Join("\n", repaired.Checks.Select(c => $"{c.Outcome} {c.Name}: {c.Detail}")));
    }

    [Fact]
    public async Task Preflight_leaves_no_connection_open()
    {
        var before = EstablishedTo(SecondStorageHostFixture.Port);

        var report = await new SshBackendProbe(_pool, TimeProvider.System).PreflightAsync(second.Backend, default);

        Assert.True(report.Passed);
        Assert.Equal(before, EstablishedTo(SecondStorageHostFixture.Port));
        Assert.Equal(0, _pool.OpenConnections(second.Backend));
    }

    [Fact]
    public async Task Health_turns_Down_when_sshd_stops_and_Up_again_after_it_returns()
    {
        var backend = second.Backend;
        var probe = new SshBackendProbe(_pool, TimeProvider.System);
        var up = await probe.CheckHealthAsync(backend, default);
        Assert.True(up.Up, up.Problem);
        Assert.Equal(1, _pool.OpenConnections(backend));

        HealthReport down;
        try
        {
            await second.StopSshdAsync();
            down = await probe.CheckHealthAsync(backend, default);
        }
        finally
        {
            await second.UpAsync();
        }

        Assert.False(down.Up);
        Assert.Contains($"Nothing accepts connections at storage backend '{backend.Name}' ({backend.User}@127.0.0.1:{SecondStorageHostFixture.Port})",
            down.Problem, StringComparison.Ordinal);
        Assert.Empty(down.Pools);
        Assert.True(down.Took < TimeSpan.FromSeconds(backend.ConnectTimeoutSeconds), $"a Down check took {down.Took}");

        var again = await probe.CheckHealthAsync(backend, default);
        Assert.True(again.Up, again.Problem);
        Assert.Equal(SecondStorageHostFixture.PoolName, Assert.Single(again.Pools).Pool);
        Assert.Equal(1, _pool.OpenConnections(backend));
    }

    /// <summary>This machine's established TCP connections to 127.0.0.1:<paramref name="port"/>, client side (from /proc/net/tcp).</summary>
    private static int EstablishedTo(int port)
    {
        var remote = $"0100007F:{port:X4}";
        return File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(f => f.Length > 3 && f[2] == remote && f[3] == "01");
    }
}
