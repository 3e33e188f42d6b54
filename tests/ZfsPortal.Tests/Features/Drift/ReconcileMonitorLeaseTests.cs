using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Drift;
using ZfsPortal.Features.Usage;
using ZfsPortal.Hosting;
using ZfsPortal.Provisioning.Cluster;

namespace ZfsPortal.Tests.Features.Drift;

/// <summary>Several nodes on one database: only the node holding the reconciler's lease reconciles (ADR 25).</summary>
public sealed class ReconcileMonitorLeaseTests : IDisposable
{
    private readonly TestWorld _world = new();

    private ReconcileMonitor Monitor(SingleRunnerLease lease)
    {
        var probe = new FakeBackendProbe();
        var health = new BackendHealthChecker(_world.Db, probe, TimeProvider.System, new UsageRecorder(_world.Db, probe, TimeProvider.System));
        return Monitor(lease, health);
    }

    private ReconcileMonitor Monitor(SingleRunnerLease lease, BackendHealthChecker health) => new(
        _world.Db, _world.Reconciler, health,
        Options.Create(new PortalOptions { ReconcileSeconds = 1 }), TimeProvider.System, NullLogger<ReconcileMonitor>.Instance, lease);

    private int Runs()
    {
        using var db = _world.Db.CreateDbContext();
        return db.ReconcileRuns.Count();
    }

    [Fact]
    public async Task A_node_without_the_lease_does_not_reconcile_and_takes_over_once_the_holder_lets_go()
    {
        using (var db = _world.Db.CreateDbContext())
        {
            foreach (var b in db.Backends)
                b.Health = BackendHealth.Up;
            db.SaveChanges();
        }
        var other = new SingleRunnerLease(_world.Db, new NodeIdentity(), TimeProvider.System);
        Assert.True(await other.TryHoldAsync(ReconcileMonitor.LeaseName, TimeSpan.FromMinutes(5), default));

        using var monitor = Monitor(new SingleRunnerLease(_world.Db, new NodeIdentity(), TimeProvider.System));
        await monitor.StartAsync(default);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.Equal(0, Runs());

            await other.ReleaseAsync(ReconcileMonitor.LeaseName, default);
            var until = DateTime.UtcNow.AddSeconds(15);
            while (Runs() == 0 && DateTime.UtcNow < until)
                await Task.Delay(100);
            Assert.NotEqual(0, Runs());
        }
        finally
        {
            await monitor.StopAsync(default);
        }
    }

    public void Dispose() => _world.Dispose();
}
