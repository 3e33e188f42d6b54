using System.Diagnostics;
using System.Net.Sockets;
using System.Net;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>Connection failures that need no storage host: a closed port, a silent port, a missing key.</summary>
public sealed class SshConnectionFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zfsportal-ssh-").FullName;
    private readonly SshConnectionPool _pool = new();

    public void Dispose()
    {
        _pool.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string NewKey()
    {
        var path = Path.Combine(_dir, "id_ed25519");
        if (!File.Exists(path))
        {
            using var keygen = Process.Start("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path])!;
            keygen.WaitForExit();
            Assert.Equal(0, keygen.ExitCode);
        }

        return path;
    }

    private BackendOptions Backend(int port, string? key = null) => new()
    {
        Name = "test", Host = "127.0.0.1", Port = port, User = "nobody", PrivateKeyPath = key ?? NewKey(),
        ShareExportIp = "127.0.0.1", Pools = ["tank"], ConnectTimeoutSeconds = 1,
    };

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task A_closed_port_is_unreachable_and_says_nothing_listens()
    {
        var log = new RecordingCommandLog();
        var host = new SshStorageHostFactory(_pool, TimeProvider.System).Open(Backend(UnusedPort()), log);

        var error = await Assert.ThrowsAsync<StorageHostException>(() => host.GetPoolCapacityAsync("tank", default));

        Assert.Equal(StorageFailure.Unreachable, error.Failure);
        Assert.Contains("Nothing accepts connections", error.Message, StringComparison.Ordinal);
        Assert.Empty(log.Records);
    }

    [Fact]
    public async Task A_host_that_never_answers_times_out_once_for_all_waiting_commands()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var backend = Backend(((IPEndPoint)silent.LocalEndpoint).Port);
        var host = new SshStorageHostFactory(_pool, TimeProvider.System).Open(backend, new RecordingCommandLog());

        var clock = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, 12).Select(_ => host.GetPoolCapacityAsync("tank", default)).ToList();
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<StorageHostException>(() => call);
            Assert.Equal(StorageFailure.Unreachable, error.Failure);
            Assert.Contains("did not answer within 1 s", error.Message, StringComparison.Ordinal);
        }

        // 12 commands over 4 connection slots: one shared 1 s time-out per slot, not 12 in a row.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_missing_private_key_is_an_authentication_failure_that_names_the_file()
    {
        var missing = Path.Combine(_dir, "no-such-key");
        var host = new SshStorageHostFactory(_pool, TimeProvider.System).Open(Backend(UnusedPort(), missing), new RecordingCommandLog());

        var error = await Assert.ThrowsAsync<StorageHostException>(() => host.GetPoolCapacityAsync("tank", default));

        Assert.Equal(StorageFailure.AuthenticationFailed, error.Failure);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_names_are_refused_before_any_connection()
    {
        var host = new SshStorageHostFactory(_pool, TimeProvider.System).Open(Backend(UnusedPort()), new RecordingCommandLog());
        // ArgumentException, not Unreachable: the closed port was never tried.
        await Assert.ThrowsAsync<ArgumentException>(() => host.GetDatasetPropertiesAsync("tank/$(reboot)", ["used"], default));
    }
}
