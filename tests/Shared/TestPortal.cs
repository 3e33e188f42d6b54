using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Testing;

/// <summary>
/// The whole portal in this process (SQLite + Hangfire on SQLite in a data folder, the demo seed with known logins,
/// the local storage host as its only backend), shared by the E2E tests, the integration web tests and the bench.
/// With no <c>dataDirectory</c> it makes a fresh one and deletes it when disposed; a given one is the caller's (a
/// restart test starts a second portal on the first one's folder). <see cref="StartOnKestrel"/> serves it on a real
/// port for a browser; otherwise it runs on the in-memory test server.
/// </summary>
internal sealed class TestPortal : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@zfsportal.local", TenantEmail = "tenant@zfsportal.local", DemoProject = "demo";

    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _ownsDataDirectory;

    /// <param name="settings">Keys added to or overriding the defaults (e.g. <c>Portal:RunJobs</c>); applied last.</param>
    /// <param name="datasetPrefix">Another prefix for this portal's datasets (the bench tells its own from the floor's).</param>
    /// <param name="services">Replacements of the portal's services, registered after its own.</param>
    public TestPortal(BackendOptions backend, string password, IReadOnlyDictionary<string, string?>? settings = null,
        string? dataDirectory = null, string? datasetPrefix = null, Action<IServiceCollection>? services = null)
    {
        Backend = backend;
        Password = password;
        _services = services;
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("zfsportal-portal-").FullName;
        _settings["Portal:DataDirectory"] = DataDirectory;
        _settings["Seed:Demo"] = "true";
        _settings["Seed:AdminEmail"] = AdminEmail;
        _settings["Seed:TenantEmail"] = TenantEmail;
        _settings["Seed:AdminPassword"] = password;
        _settings["Seed:TenantPassword"] = password;
        _settings["Seed:DemoProject"] = DemoProject;
        // Tests sign in many times a minute from one address; the sign-in limits' own tests set them low again.
        _settings["Portal:SignIn:PerAddressPerMinute"] = "100000";
        _settings["Portal:SignIn:PerAccountPerMinute"] = "100000";
        _settings["Logging:LogLevel:Default"] = "Warning";
        _settings["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
        _settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning";
        // Many test portals share one host: each reconciles its backend once when it comes up, not every minute (tests that
        // watch the reconciler set it low).
        _settings["Portal:ReconcileSeconds"] = "0";
        foreach (var (key, value) in LocalBackend.Settings(backend, datasetPrefix))
            _settings[key] = value;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            _settings[key] = value;
        // scripts/test.sh's PostgreSQL run: a fresh database of this portal's own, unless the caller chose one.
        // A restart test's second portal on the first one's folder finds the first one's database named there.
        if (TestPostgres.Selected && !_settings.ContainsKey("Portal:Database"))
        {
            var named = Path.Combine(DataDirectory, "postgres-connection.txt");
            string connection;
            if (_ownsDataDirectory)
                connection = _postgres = TestPostgres.CreateDatabase();
            else if (File.Exists(named))
                connection = File.ReadAllText(named);
            else
                File.WriteAllText(named, connection = TestPostgres.CreateDatabase(dropAtExit: true));
            _settings["Portal:Database"] = "postgresql";
            _settings["Portal:ConnectionString"] = connection;
        }
    }

    private readonly string? _postgres;

    public BackendOptions Backend { get; }
    public string Password { get; }
    public string DataDirectory { get; }

    /// <summary>Where the portal listens once <see cref="StartOnKestrel"/> has run.</summary>
    public Uri? BaseAddress { get; private set; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public IDbContextFactory<PortalDbContext> Db => Get<IDbContextFactory<PortalDbContext>>();

    public static string Flag(bool value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Serves the portal on 127.0.0.1 (a free port unless one is given), as a browser needs.</summary>
    public Uri StartOnKestrel(int port = 0)
    {
        UseKestrel(port);
        StartServer();
        return BaseAddress = ClientOptions.BaseAddress;
    }

    /// <summary>A client with its own cookies, signed in through the real sign-in form.</summary>
    public async Task<HttpClient> SignedInClientAsync(string email)
    {
        var client = BaseAddress is null
            ? CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true })
            : RealClient(BaseAddress);
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

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // UseSetting reaches Program before AddPortal reads the configuration (host settings become arguments).
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        if (_services is not null)
            builder.ConfigureServices(_services);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_postgres is not null)
            TestPostgres.DropDatabase(_postgres);
        if (!_ownsDataDirectory)
            return;
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Over the real port: a browser's path, with a timeout long enough for a burst of requests.</summary>
    private static HttpClient RealClient(Uri baseAddress)
    {
#pragma warning disable CA2000 // the client owns the handler
        var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() };
#pragma warning restore CA2000
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }
}
