using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using System.Text;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>Preflight and health against loopback listeners that are not SSH hosts: silent, or speaking something else.</summary>
public sealed class BackendProbeWithoutHostTests : IDisposable
{
    private readonly SshConnectionPool _pool = new();
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _accepted = [];

    public BackendProbeWithoutHostTests() => _listener.Start();

    public void Dispose()
    {
        _pool.Dispose();
        _listener.Stop();
        _listener.Dispose();
        foreach (var client in _accepted)
        {
            client.Dispose();
        }
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private BackendOptions Backend() => new()
    {
        Name = "silent", Host = "127.0.0.1", Port = Port, User = "nobody", PrivateKeyPath = "/nonexistent/key",
        ShareExportIp = "127.0.0.1", Pools = ["tank"], ConnectTimeoutSeconds = 1,
    };

    private void AcceptAndStaySilent() => _ = Task.Run(async () =>
    {
        while (true)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync();
                lock (_accepted)
                {
                    _accepted.Add(client);
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    });

    [Fact]
    public async Task A_port_that_accepts_but_never_greets_fails_Reachable_within_the_connect_timeout()
    {
        AcceptAndStaySilent();
        var watch = Stopwatch.StartNew();

        var report = await new SshBackendProbe(_pool, TimeProvider.System).PreflightAsync(Backend(), default);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
        var reachable = report[PreflightStep.Reachable];
        Assert.Equal(CheckOutcome.Failed, reachable.Outcome);
        Assert.Equal($"127.0.0.1:{Port} did not answer within 1 s.", reachable.Detail);
        Assert.All(report.Checks.Skip(1), c => Assert.Equal(CheckOutcome.Skipped, c.Outcome));
    }

    [Fact]
    public async Task Health_of_a_silent_port_is_Down_within_its_budget()
    {
        AcceptAndStaySilent();
        var watch = Stopwatch.StartNew();

        var report = await new SshBackendProbe(_pool, TimeProvider.System).CheckHealthAsync(Backend(), default);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.False(report.Up);
        Assert.NotNull(report.Problem);
    }

    [Fact]
    public async Task A_port_that_speaks_something_else_fails_Reachable_as_not_an_ssh_server()
    {
        _ = Task.Run(async () =>
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"));
        });

        var report = await new SshBackendProbe(_pool, TimeProvider.System).PreflightAsync(Backend(), default);

        var reachable = report[PreflightStep.Reachable];
        Assert.Equal(CheckOutcome.Failed, reachable.Outcome);
        Assert.StartsWith($"127.0.0.1:{Port} accepted the connection but did not answer as an SSH server", reachable.Detail, StringComparison.Ordinal);
        Assert.Equal("Check that Port is the port sshd listens on (not another service), and read the host's sshd log.", reachable.Fix);
    }

    [Fact]
    public async Task Settings_without_a_host_fail_Reachable_without_connecting()
    {
        var backend = Backend();
        backend.Host = "";

        var report = await new SshBackendProbe(_pool, TimeProvider.System).PreflightAsync(backend, default);
        var health = await new SshBackendProbe(_pool, TimeProvider.System).CheckHealthAsync(backend, default);

        Assert.Equal("The backend has no Host, so there is nothing to connect to.", report[PreflightStep.Reachable].Detail);
        Assert.False(health.Up);
        Assert.StartsWith("The backend has no Host", health.Problem, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageHostException>(() => new SshBackendProbe(_pool, TimeProvider.System).FetchHostKeyAsync(backend, default));
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_reported_as_a_host_problem()
    {
        AcceptAndStaySilent();
        var backend = Backend();
        backend.ConnectTimeoutSeconds = 30;
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new SshBackendProbe(_pool, TimeProvider.System).PreflightAsync(backend, cancel.Token));
    }
}
