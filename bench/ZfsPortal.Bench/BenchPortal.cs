using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Storage;
using ZfsPortal.Testing;

namespace ZfsPortal.Bench;

/// <summary>
/// The whole portal in this process (WebApplicationFactory on a real Kestrel port): a fresh data folder, the demo
/// seed with known passwords, the local storage host as its backend (with this run's dataset prefix), Hangfire with
/// the app's own defaults unless overridden.
/// </summary>
internal sealed class BenchPortal : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@zfsportal.local", TenantEmail = "tenant@zfsportal.local";
    public const string Password = "Bench-passw0rd!";

    private readonly Dictionary<string, string> _settings = new(StringComparer.OrdinalIgnoreCase);

    public string DataDirectory { get; }
    public Uri BaseAddress { get; private set; } = default!;
    public CurrentUser Tenant { get; private set; } = default!;
    public CurrentUser Admin { get; private set; } = default!;
    public Guid DemoProjectId { get; private set; }
    public Guid DefaultShareTypeId { get; private set; }
    public BackendOptions Backend { get; }

    public BenchPortal(BackendOptions backend, RunIds run, BenchOptions options)
    {
        Backend = backend;
        DataDirectory = Directory.CreateTempSubdirectory("zfsportal-bench-").FullName;
        _settings["Portal:DataDirectory"] = DataDirectory;
        if (options.PollMs is { } poll)
            _settings["Portal:QueuePollMilliseconds"] = poll.ToString(CultureInfo.InvariantCulture);
        if (options.Workers is { } workers)
            _settings["Portal:WorkerCount"] = workers.ToString(CultureInfo.InvariantCulture);
        if (options.BackstopSeconds is { } backstop)
            _settings["Portal:HangfireBackstopSeconds"] = backstop.ToString(CultureInfo.InvariantCulture);
        _settings["Seed:Demo"] = "true";
        _settings["Seed:AdminEmail"] = AdminEmail;
        _settings["Seed:TenantEmail"] = TenantEmail;
        _settings["Seed:AdminPassword"] = Password;
        _settings["Seed:TenantPassword"] = Password;
        _settings["Seed:DemoProject"] = "demo";
        _settings["Storage:SyncFromConfiguration"] = "true";
        _settings["Logging:LogLevel:Default"] = "Warning";
        _settings["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
        _settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning";
        foreach (var (key, value) in LocalBackend.Settings(backend, run.PortalPrefix))
            _settings[key] = value;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting reaches Program before AddPortal reads the configuration.
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        // Ctrl+C belongs to the bench (it must clean the host up), not to the portal's console lifetime.
        builder.ConfigureServices(s => s.AddSingleton<IHostLifetime, QuietLifetime>());
    }

    public async Task StartAsync()
    {
        UseKestrel(0);
        StartServer();
        BaseAddress = ClientOptions.BaseAddress;
        var dbFactory = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var tenant = await db.Users.SingleAsync(u => u.Email == TenantEmail);
        var admin = await db.Users.SingleAsync(u => u.Email == AdminEmail);
        Tenant = new CurrentUser(tenant.Id, TenantEmail, IsAdmin: false);
        Admin = new CurrentUser(admin.Id, AdminEmail, IsAdmin: true);
        var project = await db.Projects.SingleAsync(p => p.Name == "demo");
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

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public IDbContextFactory<PortalDbContext> Db => Get<IDbContextFactory<PortalDbContext>>();

    /// <summary>An HttpClient with its own cookie jar, signed in through the real sign-in form.</summary>
    public async Task<HttpClient> SignedInClientAsync(string email)
    {
#pragma warning disable CA2000 // the client owns the handler
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
#pragma warning restore CA2000
        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        try
        {
            await PortalSignIn.SignInAsync(client, email, Password);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
