using System.Diagnostics;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares;
using ZfsPortal.Hosting;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Bench;

internal sealed class BurstResult
{
    public int Count { get; set; }
    public int Workers { get; set; }
    public int Connections { get; set; }
    public double FloorMs { get; set; }
    public double FloorSequentialOneConnectionMs { get; set; }
    /// <summary>The same creates at most Burst.HostGateWidth at once, as the portal sends them to one host.</summary>
    public double FloorGatedMs { get; set; }
    /// <summary>The same as Manila's driver's user runs them (no guard, PeerFloor), Burst.HostGateWidth at once; 0 when not run.</summary>
    public double FloorUnguardedGatedMs { get; set; }
    /// <summary>Cores busy while the floor's creates ran / while the portal's ran: machine, bench process (the portal), zfs-fuse.</summary>
    public double[] FloorCores { get; set; } = [];
    public double[] PortalCores { get; set; } = [];
    /// <summary>The same number of jobs for operations that do not exist, enqueued at once: Hangfire + claim alone, no host work.</summary>
    public double EmptyJobsMs { get; set; }
    public double[] EmptyJobsCores { get; set; } = [];
    public double PortalMs { get; set; }
    public double PortalAllAcceptedMs { get; set; }
    public Series Accept { get; } = new("accept");
    public Series Done { get; } = new("each available");
    public Series Queue { get; } = new("queue");
    public Series Run { get; } = new("run");
    public Series HostMs { get; } = new("host ms");
    public double FirstJobStartMs { get; set; }
    public int PortalOpenConnections { get; set; }
    public int HostCommands { get; set; }
    public double HostCommandMsSum { get; set; }

    /// <summary>Manila's driver (PeerBurst): the same N creates through its create_share at once, as green threads.</summary>
    public double ManilaMs { get; set; }
    /// <summary>Per share: from the burst's start until its create_share returned.</summary>
    public Series ManilaDone { get; } = new("Manila: each created");
    /// <summary>Its SSH pool's size as asked, the most commands it had on the host at once, and its pool's connections afterwards.</summary>
    public int ManilaWidth { get; set; }
    public int ManilaCommandsAtOnce { get; set; }
    public int ManilaConnections { get; set; }
    public int ManilaHostCommands { get; set; }
    /// <summary>Cores busy while Manila's creates ran: machine, its harness (Python), zfs-fuse.</summary>
    public double[] ManilaCores { get; set; } = [];
    /// <summary>Why Manila's figure is missing, in one sentence; null when it ran.</summary>
    public string? ManilaUnavailable { get; set; }
}

/// <summary>N shares requested at once: the portal against the same creates over the same connections and concurrency.</summary>
internal sealed class Burst(BenchPortal portal, ShareWatch watch, Remote benchRemote, RunIds run, TextWriter log)
{
    /// <summary>The portal's HostGates.MountingCommandsAtOnce (internal to it): mounting commands it sends to one host at once.</summary>
    public const int HostGateWidth = 4;

    public BurstResult Result { get; } = new();

    /// <summary>With --nodes 2: a second node on the same PostgreSQL that takes every other request (and runs it).</summary>
    public BenchPortal? Second { get; init; }

    /// <summary>--skip-manila, or no --manila-burst: no Manila driver burst.</summary>
    public bool SkipManila { get; init; }

    public async Task RunAsync(int count, CancellationToken ct)
    {
        var workers = portal.Get<IOptions<PortalOptions>>().Value.WorkerCount;
        Result.Count = count;
        Result.Workers = workers;
        Result.Connections = SshConnectionPool.ConnectionsPerBackend;

        // Floor: the same essential commands (zfs create + zfs get mountpoint), as many at once as the portal has
        // workers, over a pool of the same size, its connections open beforehand (as the portal's are, below).
        using (var floorPool = new SshConnectionPool())
        {
            var remote = new Remote(benchRemote.Backend, floorPool);
            await WarmAsync(floorPool, remote.Backend, ct);
            var names = Enumerable.Range(0, count).Select(i => run.FloorDataset(remote.PoolName, "burst", i)).ToList();
            var cpu0 = Machine.CpuReading.Take();
            Result.FloorMs = await CreateAllAsync(remote, names, workers, ct);
            var floorCpu = Machine.CpuReading.Take().Since(cpu0);
            Result.FloorCores = [floorCpu.Machine, floorCpu.Bench, floorCpu.ZfsFuse];
            await log.WriteLineAsync(Fmt.Inv($"  floor: {count} creates, {workers} at once over {floorPool.OpenConnections(remote.Backend)} connections: {Result.FloorMs:F0} ms"));
            await DestroyAllAsync(remote, names, ct);

            // The same with the portal's own limit of mounting commands at once per host (HostGates, ADR 10's zfs-fuse deadlock).
            Result.FloorGatedMs = await CreateAllAsync(remote, names, Math.Min(workers, Burst.HostGateWidth), ct);
            await log.WriteLineAsync(Fmt.Inv($"  floor: {count} creates, {Burst.HostGateWidth} at once (the portal's host gate): {Result.FloorGatedMs:F0} ms"));
            await DestroyAllAsync(remote, names, ct);

            // Manila's floor: the same at the gate's width as the driver's user runs them, `sudo -n zfs` without the
            // portal's guard (ADR 30); Manila's burst is read against this one, as its single operations are.
            if (!SkipManila && PeerFloor.Unguarded(remote.Backend, floorPool) is { } unguarded)
            {
                await WarmAsync(floorPool, unguarded.Backend, ct);
                Result.FloorUnguardedGatedMs = await CreateAllAsync(unguarded, names, Math.Min(workers, Burst.HostGateWidth), ct);
                await log.WriteLineAsync(Fmt.Inv($"  floor without the guard (Manila's user): {count} creates, {Burst.HostGateWidth} at once: {Result.FloorUnguardedGatedMs:F0} ms"));
                await DestroyAllAsync(remote, names, ct);
            }

            // For reference: the same creates one after another over one connection.
            var clock = Stopwatch.StartNew();
            foreach (var name in names)
            {
                await remote.MustAsync(remote.Zfs.CreateDataset(name, DatasetProperties.ForNewShare(remote.Backend, new Dictionary<string, string>(), 1)), ct);
                await remote.MountpointAsync(name, ct);
            }
            Result.FloorSequentialOneConnectionMs = clock.Elapsed.TotalMilliseconds;
            await log.WriteLineAsync(Fmt.Inv($"  floor: {count} creates one after another over one connection: {Result.FloorSequentialOneConnectionMs:F0} ms"));
            await DestroyAllAsync(remote, names, ct);
        }

        // Portal: open its pool's connections too, then N requests at once, as N users pressing Create together.
        var portalBackend = await portal.Get<BackendCatalog>().GetAsync(portal.Backend.Name, ct);
        await WarmAsync(portal.Get<SshConnectionPool>(), portalBackend, ct);
        if (Second is not null)
            await WarmAsync(Second.Get<SshConnectionPool>(), await Second.Get<BackendCatalog>().GetAsync(portal.Backend.Name, ct), ct);
        var creates = portal.Get<CreateShareService>();
        var secondCreates = Second?.Get<CreateShareService>();
        var portalCpu0 = Machine.CpuReading.Take();
        var t0Utc = DateTime.UtcNow;
        var start = Stopwatch.GetTimestamp();
        var acceptedAt = new System.Collections.Concurrent.ConcurrentDictionary<Guid, double>();
        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            // The watch is the first node's: the second node's changes reach it over LISTEN/NOTIFY (ADR 25).
            var via = secondCreates is not null && i % 2 == 1 ? secondCreates : creates;
            var r = await via.CreateAsync(portal.Tenant,
                new CreateShareRequest(portal.DemoProjectId, portal.DefaultShareTypeId, Fmt.Inv($"burst{i:D3}"), "", "1"), ct);
            var accepted = Stopwatch.GetTimestamp();
            if (!r.Succeeded)
                throw new InvalidOperationException($"Burst request {i} was refused: {r.Error}");
            acceptedAt[r.Id!.Value] = Clock.Ms(start, accepted);
            var seen = await watch.WaitAsync(r.Id!.Value, Final.ShareAvailable(r.Id.Value, 1), TimeSpan.FromMinutes(5), ct);
            lock (Result)
            {
                Result.Accept.Add(Clock.Ms(start, accepted));
                Result.Done.Add(Clock.Ms(start, seen.At));
            }
            return r.Id.Value;
        }));
        var portalCpu = Machine.CpuReading.Take().Since(portalCpu0);
        Result.PortalCores = [portalCpu.Machine, portalCpu.Bench, portalCpu.ZfsFuse];
        Result.PortalMs = Result.Done.Max;
        Result.PortalAllAcceptedMs = Result.Accept.Max;
        Result.PortalOpenConnections = portal.Get<SshConnectionPool>().OpenConnections(portalBackend);
        await log.WriteLineAsync(Fmt.Inv($"  portal: {count} at once, all available after {Result.PortalMs:F0} ms (all accepted after {Result.PortalAllAcceptedMs:F0} ms)"));

        await using (var db = await portal.Db.CreateDbContextAsync(ct))
        {
            var operations = await db.Operations.AsNoTracking().Where(o => ids.Contains(o.ShareId) && o.Kind == OperationKind.CreateShare).ToListAsync(ct);
            var opIds = operations.Select(o => o.Id).ToList();
            var commands = await db.HostCommands.AsNoTracking().Where(c => c.OperationId != null && opIds.Contains(c.OperationId.Value)).ToListAsync(ct);
            foreach (var o in operations.Where(o => o.StartedAt is not null && o.FinishedAt is not null))
            {
                Result.Queue.Add((o.StartedAt!.Value - t0Utc).TotalMilliseconds - acceptedAt.GetValueOrDefault(o.ShareId));
                Result.Run.Add((o.FinishedAt!.Value - o.StartedAt.Value).TotalMilliseconds);
                Result.HostMs.Add(commands.Where(c => c.OperationId == o.Id).Sum(c => (double)c.DurationMs));
            }
            Result.FirstJobStartMs = (operations.Min(o => o.StartedAt!.Value) - t0Utc).TotalMilliseconds;
            Result.HostCommands = commands.Count;
            Result.HostCommandMsSum = commands.Sum(c => (double)c.DurationMs);

            // Clean up: the datasets straight on the host, then the rows (the portal never deletes them itself here).
            var datasets = await db.Shares.Where(s => ids.Contains(s.Id) && s.Dataset != null).Select(s => s.Dataset!).ToListAsync(ct);
            await DestroyAllAsync(benchRemote, datasets, ct);
            await db.Shares.Where(s => ids.Contains(s.Id)).ExecuteDeleteAsync(ct);
        }

        // Manila's driver last, not interleaved: there is one burst of each per run, and each needs the host to itself
        // (run together they would share its CPU and zfs-fuse, and neither time would be its own). After the portal's
        // cleanup the pool holds what it held before the floors, and its harness's start (Python imports) is untimed.
        if (SkipManila)
            Result.ManilaUnavailable = "left out (--skip-manila, or no --manila-burst: its four creates at once deadlocked zfs-fuse in one of its first two runs).";
        else
            await PeerBurst.RunAsync(benchRemote, run, count, Result, log, ct);
    }

    /// <summary>
    /// N jobs of the portal's own job type for operations that do not exist, enqueued at once: each is fetched by a
    /// worker, claims nothing (one UPDATE that changes no row, one SELECT) and ends. Time until Hangfire has all N succeeded.
    /// </summary>
    public async Task EmptyJobsAsync(int count, CancellationToken ct)
    {
        var jobs = portal.Get<Hangfire.IBackgroundJobClient>();
        var monitoring = portal.Get<Hangfire.JobStorage>().GetMonitoringApi();
        var before = monitoring.SucceededListCount();
        var cpu0 = Machine.CpuReading.Take();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
            jobs.Enqueue<OperationJob>(j => j.RunAsync(Guid.NewGuid(), CancellationToken.None));
        while (monitoring.SucceededListCount() < before + count && clock.Elapsed < TimeSpan.FromMinutes(2))
            await Task.Delay(10, ct);
        Result.EmptyJobsMs = clock.Elapsed.TotalMilliseconds;
        var cpu = Machine.CpuReading.Take().Since(cpu0);
        Result.EmptyJobsCores = [cpu.Machine, cpu.Bench, cpu.ZfsFuse];
        await log.WriteLineAsync(Fmt.Inv($"  {count} empty jobs (Hangfire + claim, no host work) at once: {Result.EmptyJobsMs:F0} ms"));
    }

    /// <summary>The floor's creates (zfs create + zfs get mountpoint), <paramref name="atOnce"/> at a time; returns the ms for all.</summary>
    private static async Task<double> CreateAllAsync(Remote remote, List<string> names, int atOnce, CancellationToken ct)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, atOnce).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < names.Count)
            {
                await remote.MustAsync(remote.Zfs.CreateDataset(names[i], DatasetProperties.ForNewShare(remote.Backend, new Dictionary<string, string>(), 1)), ct);
                await remote.MountpointAsync(names[i], ct);
            }
        }));
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Opens all the pool's connections: as many leases at once as it has slots.</summary>
    private static async Task WarmAsync(SshConnectionPool pool, BackendOptions backend, CancellationToken ct)
    {
        var leases = await Task.WhenAll(Enumerable.Range(0, SshConnectionPool.ConnectionsPerBackend).Select(_ => pool.LeaseAsync(backend, ct)));
        foreach (var lease in leases)
            lease.Dispose();
    }

    /// <summary>
    /// One at a time: four concurrent unmount + destroy sequences once deadlocked zfs-fuse 0.7 for good (every thread
    /// of the daemon waiting on a lock, `umount` stuck in a FUSE getattr), so the bench never runs them in parallel.
    /// </summary>
    internal static async Task DestroyAllAsync(Remote remote, IReadOnlyList<string> datasets, CancellationToken ct)
    {
        foreach (var d in datasets)
            await remote.UnmountAndDestroyAsync(d, ct);
    }
}
