using ZfsPortal.Provisioning.Cluster;

namespace ZfsPortal.Tests.Provisioning.Cluster;

/// <summary>The single-runner lease of docs/adr/0025, between two nodes on one database (SQLite, and PostgreSQL in test.sh's second run).</summary>
public sealed class SingleRunnerLeaseTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly Clock _clock = new();
    private static readonly TimeSpan For = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task One_node_holds_the_lease_until_it_expires_or_is_released_and_then_another_takes_it()
    {
        var a = new SingleRunnerLease(_db, new NodeIdentity(), _clock);
        var bNode = new NodeIdentity();
        var b = new SingleRunnerLease(_db, bNode, _clock);

        Assert.True(await a.TryHoldAsync("work", For, default));
        Assert.False(await b.TryHoldAsync("work", For, default));
        // The holder renews; the other keeps skipping while the renewals come.
        _clock.Advance(TimeSpan.FromSeconds(50));
        Assert.True(await a.TryHoldAsync("work", For, default));
        _clock.Advance(TimeSpan.FromSeconds(50));
        Assert.False(await b.TryHoldAsync("work", For, default));

        // A dies (no renewal): B takes over once the lease has run out, and A, back, finds it held.
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True(await b.TryHoldAsync("work", For, default));
        Assert.Equal(bNode.Id, await b.HolderAsync("work", default));
        Assert.False(await a.TryHoldAsync("work", For, default));

        // A normal stop hands it over at once.
        await b.ReleaseAsync("work", default);
        Assert.True(await a.TryHoldAsync("work", For, default));
        // Leases of other names are independent.
        Assert.True(await b.TryHoldAsync("other", For, default));
    }

    [Fact]
    public async Task Nodes_that_ask_for_a_new_lease_at_the_same_moment_get_exactly_one_holder()
    {
        var nodes = Enumerable.Range(0, 8).Select(_ => new SingleRunnerLease(_db, new NodeIdentity(), _clock)).ToList();
        var held = await Task.WhenAll(nodes.Select(n => Task.Run(() => n.TryHoldAsync("race", For, default))));
        Assert.Equal(1, held.Count(h => h));
    }

    public void Dispose() => _db.Dispose();

    private sealed class Clock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }
}
