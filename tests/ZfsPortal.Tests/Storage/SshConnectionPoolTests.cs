using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

[Collection("storage-host")]
public sealed class SshConnectionPoolTests(StorageHostFixture host)
{
    private readonly RecordingCommandLog _log = new();

    [Fact]
    public async Task Twenty_parallel_reads_all_succeed_over_at_most_four_connections()
    {
        var dataset = host.NewDatasetName();
        await host.Open(_log).CreateDatasetAsync(dataset, new Dictionary<string, string>(), default);

        var reads = Enumerable.Range(0, 20)
            .Select(_ => host.Open(_log).GetDatasetPropertiesAsync(dataset, ["mountpoint", "used"], default));
        var results = await Task.WhenAll(reads);

        Assert.All(results, r => Assert.Equal("/" + dataset, r!["mountpoint"]));
        Assert.Equal(21, _log.Records.Count);
        Assert.All(_log.Records, r => Assert.Equal(0, r.ExitCode));
        Assert.InRange(host.Connections.OpenConnections(host.Backend), 1, SshConnectionPool.ConnectionsPerBackend);
    }

    [Fact]
    public async Task Sequential_commands_share_one_kept_open_connection()
    {
        using var pool = new SshConnectionPool();
        var backend = host.Backend;
        var storage = new SshStorageHost(backend, pool, _log, TimeProvider.System);

        for (var i = 0; i < 5; i++)
        {
            await storage.GetPoolCapacityAsync(host.Pool, default);
        }

        Assert.Equal(1, pool.OpenConnections(backend));
    }

    [Fact]
    public async Task A_dropped_connection_is_reopened_on_the_next_command()
    {
        using var pool = new SshConnectionPool();
        var backend = host.Backend;
        var storage = new SshStorageHost(backend, pool, _log, TimeProvider.System);
        await storage.GetPoolCapacityAsync(host.Pool, default);

        using (var lease = await pool.LeaseAsync(backend, default))
        {
            lease.Client.Disconnect();
        }

        Assert.Equal(0, pool.OpenConnections(backend));
        Assert.NotNull(await storage.GetDatasetPropertiesAsync(host.Pool, ["used"], default));
        Assert.Equal(1, pool.OpenConnections(backend));
    }
}
