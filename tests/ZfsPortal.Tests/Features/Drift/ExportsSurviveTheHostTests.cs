using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Testing;
using Xunit.Abstractions;

namespace ZfsPortal.Tests.Features.Drift;

/// <summary>
/// Clears the machine's whole export table, which every other test's exports live in too: so these run alone, after the others,
/// and as few as they can.
/// </summary>
[CollectionDefinition("export-table-drills", DisableParallelization = true)]
public sealed class ExportTableDrillsCollection : ICollectionFixture<StorageHostFixture>;

/// <summary>
/// Issue 11's drill: a whole portal (its reconciler every 2 s) with 20 shares and 40 rules on the real host; the host's NFS export
/// table is emptied (<c>exportfs -ua</c>, three times) and rebuilt from its files (<c>exportfs -ra</c>), and every rule must be back
/// on the host within 30 s without anyone doing anything. Prints the figures docs/reliability.md keeps.
/// </summary>
[Collection("export-table-drills")]
public sealed class ExportsSurviveTheHostTests(StorageHostFixture host, ITestOutputHelper output) : IDisposable
{
    private const int Shares = 20;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _prefix = $"{StorageHostFixture.TestDatasetPrefix}rd{Guid.NewGuid():N}"[..(StorageHostFixture.TestDatasetPrefix.Length + 10)] + "_";

    [Fact]
    public async Task Every_rule_is_back_on_the_host_within_30_s_after_the_export_table_is_emptied_or_rebuilt()
    {
        var settings = new Dictionary<string, string?>
        {
            ["environment"] = "Development", ["Portal:ReconcileSeconds"] = "2", ["Portal:HealthCheckSeconds"] = "5",
        };
        using var portal = new TestPortal(host.Backend, PortalLookups.Password, settings, datasetPrefix: _prefix);
        var tenant = await PortalLookups.TenantAsync(portal.Services);
        var project = await PortalLookups.DemoProjectAsync(portal.Services);
        var type = await DefaultTypeAsync(portal);
        var creates = portal.Get<CreateShareService>();
        var ids = new List<Guid>();
        for (var i = 0; i < Shares; i++)
            ids.Add((await creates.CreateAsync(tenant, new CreateShareRequest(project, type, $"drill{i}", null, "1"))).Id!.Value);
        var access = portal.Get<AccessService>();
        var wanted = new List<(string Path, string Client)>();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            var share = await PortalLookups.WaitForShareAsync(portal.Services, id, s => s.Status == ShareStatus.Available, TimeSpan.FromSeconds(60));
            Assert.Equal(ShareStatus.Available, share.Status);
            Assert.True((await access.AllowAsync(tenant, id, $"203.0.113.{i + 1}", "rw")).Succeeded);
            Assert.True((await access.AllowAsync(tenant, id, $"198.51.100.{i + 1}", "ro")).Succeeded);
            wanted.Add((share.Mountpoint!, $"203.0.113.{i + 1}"));
            wanted.Add((share.Mountpoint!, $"198.51.100.{i + 1}"));
        }

        await WaitAsync(async () => await ActiveRulesAsync(portal) == 2 * Shares, TimeSpan.FromSeconds(60));
        Assert.Equal(2 * Shares, await ActiveRulesAsync(portal));
        // The exports file, read back from the host, holds all 40.
        Assert.Empty(wanted.Except(host.ReadExportsFile().Select(e => (e.Path, e.Client))));
        Assert.Empty(await MissingAsync(wanted));

        var figures = new List<(string Drill, int Lost, TimeSpan Repair)>();
        for (var drill = 1; drill <= 3; drill++)
        {
            figures.Add(await DrillAsync("exportfs -ua", wanted, "-ua"));
            // The last repairs finish their checks before the next drill empties the table under them.
            await WaitAsync(async () => !await RepairsUnderWayAsync(portal), Limit);
        }

        figures.Add(await DrillAsync("exportfs -ra", wanted, "-ra"));

        foreach (var (drill, lost, repair) in figures)
            output.WriteLine($"{drill}: {lost} of {wanted.Count} rules lost, all back after {repair.TotalMilliseconds:0} ms");
        await using (var log = await portal.Db.CreateDbContextAsync())
        {
            foreach (var r in await log.ReconcileRuns.OrderBy(r => r.StartedAt).ToListAsync())
                output.WriteLine($"pass {r.StartedAt:HH:mm:ss.fff} {r.Trigger}: {r.DurationMs} ms, {r.Findings} found, {r.Repairs} queued, {r.Skipped} skipped {r.Failure}");
            foreach (var o in await log.Operations.Where(o => o.Kind == OperationKind.RepairShare).OrderBy(o => o.CreatedAt).ToListAsync())
                output.WriteLine($"repair {o.CreatedAt:HH:mm:ss.fff} started {o.StartedAt:HH:mm:ss.fff} finished {o.FinishedAt:HH:mm:ss.fff} {o.State} {o.Message}");
        }
        Assert.All(figures, f => Assert.Equal(0, f.Lost));
        Assert.All(figures, f => Assert.True(f.Repair < Limit, $"{f.Drill}: {f.Repair}"));
        // The portal still says what the host says: every rule active, every share available.
        Assert.Equal(2 * Shares, await ActiveRulesAsync(portal));
        // The repairs were operations of the reconciler, with their host commands.
        await using var db = await portal.Db.CreateDbContextAsync();
        Assert.True(await db.Operations.CountAsync(o => o.Kind == OperationKind.RepairShare && o.RequestedByUserId == "reconciler"
                                                        && o.State == OperationState.Succeeded) >= Shares);
    }

    /// <summary>Empties or rebuilds the table, then waits for every wanted entry: lost = still missing at the limit.</summary>
    private async Task<(string, int, TimeSpan)> DrillAsync(string name, List<(string Path, string Client)> wanted, string flag)
    {
        var result = await StorageHostFixture.RunLocalAsync("/usr/sbin/exportfs", flag);
        Assert.True(result.ExitCode == 0 || flag == "-ra", result.Stderr);
        var clock = Stopwatch.StartNew();
        var missing = await MissingAsync(wanted);
        if (flag == "-ua")
            Assert.NotEmpty(missing);
        while (missing.Count > 0 && clock.Elapsed < Limit)
        {
            await Task.Delay(100);
            missing = await MissingAsync(wanted);
        }

        return (name, missing.Count, clock.Elapsed);
    }

    private async Task<List<(string, string)>> MissingAsync(List<(string Path, string Client)> wanted)
    {
        var table = new HashSet<(string, string)>();
        foreach (var path in wanted.Select(w => w.Path).Distinct())
            foreach (var (client, _) in await host.ExportsOfAsync(path))
                table.Add((path, client));
        return [.. wanted.Where(w => !table.Contains(w))];
    }

    private static async Task<int> ActiveRulesAsync(TestPortal portal)
    {
        await using var db = await portal.Db.CreateDbContextAsync();
        return await db.AccessRules.CountAsync(r => r.State == AccessRuleState.Active);
    }

    private static async Task<bool> RepairsUnderWayAsync(TestPortal portal)
    {
        await using var db = await portal.Db.CreateDbContextAsync();
        return await db.Operations.AnyAsync(o => o.Kind == OperationKind.RepairShare
                                                 && (o.State == OperationState.Queued || o.State == OperationState.Running));
    }

    private static async Task<Guid> DefaultTypeAsync(TestPortal portal)
    {
        await using var db = await portal.Db.CreateDbContextAsync();
        return (await db.ShareTypes.OrderByDescending(t => t.IsDefault).FirstAsync()).Id;
    }

    private static async Task WaitAsync(Func<Task<bool>> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await done() && DateTime.UtcNow < deadline)
            await Task.Delay(100);
    }

    public void Dispose()
    {
        foreach (var dir in Directory.Exists("/" + host.Pool) ? Directory.GetDirectories("/" + host.Pool, _prefix + "*") : [])
            host.DestroyDatasetPatientlyAsync(host.Pool + dir[("/" + host.Pool).Length..]).GetAwaiter().GetResult();
    }
}
