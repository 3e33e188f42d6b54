using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>The recurring health check against the main local host.</summary>
[Collection("storage-host")]
public sealed class BackendHealthTests(StorageHostFixture host) : IDisposable
{
    private readonly SshConnectionPool _pool = new();

    public void Dispose() => _pool.Dispose();

    [Fact]
    public async Task A_healthy_host_is_Up_with_the_capacity_zfs_reports_over_one_kept_open_connection()
    {
        var backend = host.Backend;
        var probe = new SshBackendProbe(_pool, TimeProvider.System);

        var first = await probe.CheckHealthAsync(backend, default);
        var second = await probe.CheckHealthAsync(backend, default);

        Assert.True(first.Up, first.Problem);
        Assert.Null(first.Problem);
        var pool = Assert.Single(second.Pools);
        Assert.Equal(host.Pool, pool.Pool);
        var local = await host.ZfsGetAsync(host.Pool, "available", "used");
        var available = long.Parse(local!["available"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(pool.AvailableBytes, available * 9 / 10, available * 11 / 10); // other tests write to the pool meanwhile
        Assert.True(pool.UsedBytes > 0);
        Assert.Equal(1, _pool.OpenConnections(backend));
        Assert.True(second.Took < TimeSpan.FromSeconds(2), $"a check on a kept-open connection took {second.Took}");
    }

    [Fact]
    public async Task A_missing_pool_makes_the_host_Down_naming_the_pool()
    {
        var backend = host.Backend;
        backend.Pools = [host.Pool, "nosuchpool"];

        var report = await new SshBackendProbe(_pool, TimeProvider.System).CheckHealthAsync(backend, default);

        Assert.False(report.Up);
        if (backend.GuardPath.Length > 0)
        {
            // The guard refuses a pool its config does not list: nothing is read, and the message says where to add it.
            Assert.Contains("failed (exit 126): zfsportal-guard: refused: 'nosuchpool' is not in this backend's pools", report.Problem, StringComparison.Ordinal);
            Assert.Contains($"The host's guard ({backend.GuardPath}) refused it", report.Problem, StringComparison.Ordinal);
            Assert.Empty(report.Pools);
            return;
        }

        Assert.StartsWith($"Pool nosuchpool of backend '{backend.Name}' is not on the host (cannot open 'nosuchpool': dataset does not exist).",
            report.Problem, StringComparison.Ordinal);
        Assert.Contains("or correct the backend's pool list", report.Problem, StringComparison.Ordinal);
        Assert.Equal([host.Pool], report.Pools.Select(p => p.Pool));
    }

    [Fact]
    public async Task A_wrong_pin_makes_the_host_Down_showing_both_fingerprints()
    {
        var backend = host.Backend;
        var real = backend.HostKeySha256;
        backend.HostKeySha256 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        var report = await new SshBackendProbe(_pool, TimeProvider.System).CheckHealthAsync(backend, default);

        Assert.False(report.Up);
        Assert.Contains("does not match", report.Problem, StringComparison.Ordinal);
        Assert.Contains("SHA256:" + real, report.Problem, StringComparison.Ordinal);
        Assert.Empty(report.Pools);
    }

    [Fact]
    public async Task A_closed_port_is_Down_within_the_connect_timeout()
    {
        var backend = host.Backend;
        backend.Port = 1;
        backend.ConnectTimeoutSeconds = 2;

        var report = await new SshBackendProbe(_pool, TimeProvider.System).CheckHealthAsync(backend, default);

        Assert.False(report.Up);
        Assert.Contains("Nothing accepts connections", report.Problem, StringComparison.Ordinal);
        Assert.True(report.Took < TimeSpan.FromSeconds(3), $"took {report.Took}");
    }
}
