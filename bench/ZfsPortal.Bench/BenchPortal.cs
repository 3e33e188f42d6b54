using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Storage;
using ZfsPortal.Testing;

namespace ZfsPortal.Bench;

/// <summary>
/// The whole portal in this process (the tests' <see cref="TestPortal"/> on a real Kestrel port) with this run's
/// dataset prefix, Hangfire with the app's own defaults unless overridden, and unlimited quotas in the demo project.
/// </summary>
internal sealed class BenchPortal : IAsyncDisposable
{
    public const string AdminEmail = TestPortal.AdminEmail, TenantEmail = TestPortal.TenantEmail;
    public const string Password = "Bench-passw0rd!";

    private readonly TestPortal _portal;
    private readonly int _port;
    private static int _nodes;

    /// <summary>The PostgreSQL database of this run (shared by its nodes); null on SQLite.</summary>
    public static string? ConnectionString { get; private set; }

    public BenchPortal(BackendOptions backend, RunIds run, BenchOptions options)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Storage:SyncFromConfiguration"] = "true",
        };
        if (options.PollMs is { } poll)
            settings["Portal:QueuePollMilliseconds"] = poll.ToString(CultureInfo.InvariantCulture);
        if (options.Workers is { } workers)
            settings["Portal:WorkerCount"] = workers.ToString(CultureInfo.InvariantCulture);
        if (options.BackstopSeconds is { } backstop)
            settings["Portal:HangfireBackstopSeconds"] = backstop.ToString(CultureInfo.InvariantCulture);
        if (options.Database is "postgresql" || options.Nodes > 1)
        {
            settings["Portal:Database"] = "postgresql";
            settings["Portal:ConnectionString"] = ConnectionString ??= TestPostgres.CreateDatabase(dropAtExit: true);
        }
        // Ctrl+C belongs to the bench (it must clean the host up), not to the portal's console lifetime.
        _portal = new TestPortal(backend, Password, settings, datasetPrefix: run.PortalPrefix,
            services: s =>
            {
                s.AddSingleton<IHostLifetime, QuietLifetime>();
                s.AddSingleton(ContentionTrace.Shared.Circuits);
            });
        _port = options.Port is { } port ? port + Interlocked.Increment(ref _nodes) - 1 : 0;
    }

    public string DataDirectory => _portal.DataDirectory;
    public BackendOptions Backend => _portal.Backend;
    public Uri BaseAddress { get; private set; } = default!;
    public CurrentUser Tenant { get; private set; } = default!;
    public CurrentUser Admin { get; private set; } = default!;
    public Guid DemoProjectId { get; private set; }
    public Guid DefaultShareTypeId { get; private set; }

    public async Task StartAsync()
    {
        BaseAddress = _portal.StartOnKestrel(_port);
        await using var db = await Db.CreateDbContextAsync();
        var tenant = await db.Users.SingleAsync(u => u.Email == TenantEmail);
        var admin = await db.Users.SingleAsync(u => u.Email == AdminEmail);
        Tenant = new CurrentUser(tenant.Id, TenantEmail, IsAdmin: false);
        Admin = new CurrentUser(admin.Id, AdminEmail, IsAdmin: true);
        var project = await db.Projects.SingleAsync(p => p.Name == TestPortal.DemoProject);
        DemoProjectId = project.Id;
        DefaultShareTypeId = await db.ShareTypes.Where(t => t.IsDefault).Select(t => t.Id).SingleAsync();
        // The bench asks for more than the default quotas allow (100 shares at once); quotas are not what it measures.
        project.Quotas = new QuotaLimits
        {
            Shares = QuotaLimits.Unlimited, Gigabytes = QuotaLimits.Unlimited, Snapshots = QuotaLimits.Unlimited,
            SnapshotGigabytes = QuotaLimits.Unlimited, PerShareGigabytes = QuotaLimits.Unlimited,
        };
        await db.SaveChangesAsync();
    }

    public T Get<T>() where T : notnull => _portal.Get<T>();

    public IDbContextFactory<PortalDbContext> Db => _portal.Db;

    /// <summary>An HttpClient with its own cookie jar, signed in through the real sign-in form.</summary>
    public Task<HttpClient> SignedInClientAsync(string email) => _portal.SignedInClientAsync(email);

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
