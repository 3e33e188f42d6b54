using System.Text.Json;
using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Backends;

/// <summary>Placement over two real backends (the main host's 20 GiB pool and a second host's 2 GiB pool).</summary>
[Collection("second-storage-host")]
public sealed class PlacementAcrossBackendsTests(SecondStorageHostFixture second) : IAsyncLifetime, IDisposable
{
    private readonly SshConnectionPool _connections = new();
    private TestWorld? _world;

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private static BackendOptions MainBackend() =>
        JsonSerializer.Deserialize<BackendOptions>(File.ReadAllText(StorageHostFixture.DefaultBackendFile), Json)!;

    [Fact]
    public async Task New_shares_go_where_there_is_room_and_only_to_enabled_backends()
    {
        var main = MainBackend();
        _world = new TestWorld(new SshStorageHostFactory(_connections, TimeProvider.System), main);
        _world.AddBackend(second.Backend);

        // 3 GiB fits only the main host's pool.
        var (big, member, project) = await _world.AvailableShareAsync("big", 3);
        Assert.Equal((ShareStatus.Available, main.Name), (big.Status, big.BackendName));
        Assert.NotNull(await ZfsGetAsync(big.Dataset!));

        // With the main host disabled, a small share goes to the second host.
        _world.UpdateBackend(b => b.Enabled = false);
        var small = (await _world.RequestShareAsync(member, project, "small", "1")).Id!.Value;
        await _world.RunQueuedJobsAsync();
        var placed = _world.Share(small);
        Assert.Equal((ShareStatus.Available, SecondStorageHostFixture.BackendName, SecondStorageHostFixture.PoolName),
            (placed.Status, placed.BackendName, placed.Pool));
        Assert.NotNull(await ZfsGetAsync(placed.Dataset!));

        // Nothing fits: the message names both backends and why.
        var tooBig = (await _world.RequestShareAsync(member, project, "huge", "3")).Id!.Value;
        await _world.RunQueuedJobsAsync();
        var refused = _world.Share(tooBig);
        Assert.Equal(ShareStatus.Error, refused.Status);
        Assert.Contains($"{main.Name} is disabled", refused.StatusMessage, StringComparison.Ordinal);
        Assert.Contains($"{SecondStorageHostFixture.BackendName}/{SecondStorageHostFixture.PoolName} has", refused.StatusMessage, StringComparison.Ordinal);
    }

    private static async Task<string?> ZfsGetAsync(string dataset)
    {
        var result = await StorageHostFixture.RunLocalAsync("/usr/sbin/zfs", "get", "-H", "-p", "-o", "value", "refquota", dataset);
        return result.ExitCode == 0 ? result.Stdout.Trim() : null;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_world is null)
            return;
        await using var db = _world.Db.CreateDbContext();
        foreach (var dataset in db.Shares.Where(s => s.Dataset != null).Select(s => s.Dataset!).ToList())
        {
            for (var attempt = 0; attempt < 8; attempt++)
            {
                var result = await StorageHostFixture.RunLocalAsync("/usr/sbin/zfs", "destroy", dataset);
                if (result.ExitCode == 0 || result.Stderr.Contains("does not exist", StringComparison.Ordinal))
                    break;
                await Task.Delay(100 * (attempt + 1));
            }
        }
    }

    public void Dispose()
    {
        _world?.Dispose();
        _connections.Dispose();
    }
}
