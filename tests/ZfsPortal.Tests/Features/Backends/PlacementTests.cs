using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Tests.Features.Backends;

public sealed class PlacementTests : IDisposable
{
    private readonly TestWorld _world = new();

    private Task<PlacementResult> PlaceAsync(int size, string? backend = null) =>
        _world.Placement.PlaceAsync(size, backend, new RecordingCommandLog(), CancellationToken.None);

    [Fact]
    public async Task The_pool_with_the_most_free_space_is_chosen()
    {
        _world.Fake.AddPool("small", 10L << 30);
        _world.Fake.AddPool("large", 50L << 30);
        _world.UpdateBackend(b => b.Settings.Pools = ["small", "large"]);

        Assert.Equal("large", (await PlaceAsync(5)).Pool);
    }

    [Fact]
    public async Task A_pool_without_room_after_the_reserve_is_passed_over()
    {
        _world.Portal.CapacityReservePercent = 10;
        _world.Fake.AddPool("tank", 10L << 30);

        var refusal = await Assert.ThrowsAsync<NoValidBackendException>(() => PlaceAsync(10));

        Assert.Contains("fake/tank has 9 GiB free", refusal.Message, StringComparison.Ordinal);
        Assert.Equal("tank", (await PlaceAsync(9)).Pool);
    }

    [Fact]
    public async Task Disabled_and_down_backends_take_no_new_shares_and_the_message_says_why()
    {
        _world.UpdateBackend(b => b.Enabled = false);
        Assert.Contains("fake is disabled", (await Assert.ThrowsAsync<NoValidBackendException>(() => PlaceAsync(1))).Message, StringComparison.Ordinal);

        _world.UpdateBackend(b => (b.Enabled, b.Health, b.HealthMessage) = (true, BackendHealth.Down, "connection refused"));
        Assert.Contains("fake is down (connection refused)", (await Assert.ThrowsAsync<NoValidBackendException>(() => PlaceAsync(1))).Message,
            StringComparison.Ordinal);

        _world.UpdateBackend(b => b.Health = BackendHealth.Up);
        Assert.Equal("tank", (await PlaceAsync(1)).Pool);
    }

    [Fact]
    public async Task A_recent_health_reading_decides_without_asking_the_host()
    {
        _world.Portal.CapacityReservePercent = 0;
        _world.Fake.AddPool("tank", 100L << 30);
        _world.UpdateBackend(b => (b.Health, b.LastCheckedAt, b.PoolReadings) =
            (BackendHealth.Up, DateTime.UtcNow, [new PoolReading { Pool = "tank", AvailableBytes = 3L << 30, UsedBytes = 0 }]));
        var before = _world.Fake.Commands.Count;

        var refusal = await Assert.ThrowsAsync<NoValidBackendException>(() => PlaceAsync(5));

        Assert.Contains("fake/tank has 3 GiB free", refusal.Message, StringComparison.Ordinal);
        Assert.Equal("tank", (await PlaceAsync(2)).Pool);
        Assert.Equal(before, _world.Fake.Commands.Count);
    }

    [Fact]
    public async Task An_old_health_reading_is_not_trusted_and_the_pool_is_read_live()
    {
        _world.Fake.AddPool("tank", 100L << 30);
        var old = DateTime.UtcNow - TimeSpan.FromSeconds(_world.Portal.HealthCheckSeconds * Placement.ReadingValidForChecks + 1);
        _world.UpdateBackend(b => (b.Health, b.LastCheckedAt, b.PoolReadings) =
            (BackendHealth.Up, old, [new PoolReading { Pool = "tank", AvailableBytes = 3L << 30, UsedBytes = 0 }]));

        Assert.Equal("tank", (await PlaceAsync(50)).Pool);
        Assert.Contains(_world.Fake.Commands, c => c.Argv.Contains("available,used"));
    }

    [Fact]
    public async Task A_share_type_bound_to_a_backend_name_goes_only_there()
    {
        var refusal = await Assert.ThrowsAsync<NoValidBackendException>(() => PlaceAsync(1, "gold-host"));

        Assert.Contains("No backend named 'gold-host'", refusal.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _world.Dispose();
}
