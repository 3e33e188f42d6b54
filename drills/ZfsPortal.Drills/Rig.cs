using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Testing;

namespace ZfsPortal.Drills;

/// <summary>
/// One drill's portal: requests are accepted in this process (the tests' <see cref="TestPortal"/> with
/// <c>Portal:RunJobs</c> false, which enqueues each operation's Hangfire job into the shared hangfire.db) and run by
/// a <see cref="ChildPortal"/> on the same data directory, which a drill may kill. Datasets carry the rig's own
/// prefix, so the invariants look at this rig's datasets only. Heartbeat 1 s (stale after 6 s), recovery every 2 s.
/// </summary>
internal sealed class Rig : IAsyncDisposable
{
    public const string Password = "Drill-passw0rd!";

    private readonly bool _ownsDirectory;

    private Rig(DrillHost host, string prefix, string dataDirectory, bool ownsDirectory, Dictionary<string, string?> extra, bool servePages)
    {
        Host = host;
        Prefix = prefix;
        DataDirectory = dataDirectory;
        _ownsDirectory = ownsDirectory;
        var common = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:SyncFromConfiguration"] = "true",
            ["Portal:HeartbeatSeconds"] = "1",
            ["Portal:RecoverySeconds"] = "2",
            ["Portal:QueuedGraceSeconds"] = "2",
            ["Portal:QueuePollMilliseconds"] = "50",
        };
        foreach (var (k, v) in extra)
            common[k] = v;
        Portal = new TestPortal(host.Backend, Password, new Dictionary<string, string?>(common) { ["Portal:RunJobs"] = servePages ? "true" : "false" },
            dataDirectory, prefix, s => s.AddSingleton<IHostLifetime, QuietLifetime>());
        var child = new Dictionary<string, string?>(common, StringComparer.OrdinalIgnoreCase)
        {
            ["Portal:RunJobs"] = "true", ["Portal:DataDirectory"] = dataDirectory,
            ["Seed:Demo"] = "true", ["Seed:AdminEmail"] = TestPortal.AdminEmail, ["Seed:TenantEmail"] = TestPortal.TenantEmail,
            ["Seed:AdminPassword"] = Password, ["Seed:TenantPassword"] = Password, ["Seed:DemoProject"] = TestPortal.DemoProject,
            ["Logging:LogLevel:Default"] = "Warning", ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (k, v) in LocalBackend.Settings(host.Backend, prefix))
            child[k] = v;
        Child = new ChildPortal(dataDirectory, child);
    }

    public DrillHost Host { get; }
    public string Prefix { get; }
    public string DataDirectory { get; }
    public TestPortal Portal { get; }
    public ChildPortal Child { get; }
    public CurrentUser Tenant { get; private set; } = default!;
    public Guid ProjectId { get; private set; }
    public Guid ShareTypeId { get; private set; }

    /// <summary>Where this process serves the pages, when started with <c>servePages</c>; null otherwise.</summary>
    public Uri? BaseAddress { get; private set; }

    public T Get<T>() where T : notnull => Portal.Get<T>();
    public IDbContextFactory<PortalDbContext> Db => Portal.Db;

    /// <param name="dataDirectory">A folder of the caller's (the disk-full drill's small mount); null: a fresh one under /tmp.</param>
    /// <param name="servePages">
    /// For a browser: this process serves the pages on a real port and runs the jobs too, with no child portal. Pages
    /// learn of a job's changes from the process that ran it, so the pages and the jobs must share one process.
    /// </param>
    public static async Task<Rig> StartAsync(DrillHost host, string runId, string drill, CancellationToken ct,
        string? dataDirectory = null, Dictionary<string, string?>? settings = null, bool servePages = false)
    {
        var own = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory($"zfsportal-drill-{drill}-").FullName;
        var rig = new Rig(host, $"zfsdrill_{runId}_{drill}_", dataDirectory, own, settings ?? [], servePages);
        // This process first: it migrates and seeds; the child then finds both done.
        if (servePages)
            rig.BaseAddress = rig.Portal.StartOnKestrel();
        else
            _ = rig.Portal.Services;
        await using (var db = await rig.Db.CreateDbContextAsync(ct))
        {
            var tenant = await db.Users.SingleAsync(u => u.Email == TestPortal.TenantEmail, ct);
            rig.Tenant = new CurrentUser(tenant.Id, TestPortal.TenantEmail, IsAdmin: false);
            var project = await db.Projects.SingleAsync(p => p.Name == TestPortal.DemoProject, ct);
            rig.ProjectId = project.Id;
            rig.ShareTypeId = await db.ShareTypes.Where(t => t.IsDefault).Select(t => t.Id).SingleAsync(ct);
            project.Quotas = new QuotaLimits
            {
                Shares = QuotaLimits.Unlimited, Gigabytes = QuotaLimits.Unlimited, Snapshots = QuotaLimits.Unlimited,
                SnapshotGigabytes = QuotaLimits.Unlimited, PerShareGigabytes = QuotaLimits.Unlimited,
            };
            await db.SaveChangesAsync(ct);
        }
        if (!servePages)
            await rig.Child.StartAsync(ct);
        return rig;
    }

    /// <summary>Waits until nothing is queued, running or in a transitional state; the time it took, or null at the timeout.</summary>
    public async Task<TimeSpan?> WaitSettledAsync(TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await Invariants.UnsettledAsync(this, ct) == 0)
                return clock.Elapsed;
            await Task.Delay(100, ct);
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await Child.StopAsync();
        Child.Dispose();
        await Portal.DisposeAsync();
        if (_ownsDirectory)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(DataDirectory, recursive: true); }
            catch (IOException) { }
        }
    }

    public static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
