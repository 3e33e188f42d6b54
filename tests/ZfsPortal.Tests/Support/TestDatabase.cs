using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Data.PostgreSql;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Support;

/// <summary>
/// A real, migrated SQLite database in a temp file (not in-memory: concurrency tests need several
/// connections to see one database, as the portal's do). With ZFSPORTAL_TEST_DATABASE=postgresql (scripts/test.sh's
/// second run of the database-facing tests) a fresh PostgreSQL database instead, or with <c>postgres: true</c>.
/// </summary>
public sealed class TestDatabase : IDbContextFactory<PortalDbContext>, IDisposable
{
    private readonly string? _dir;
    private readonly DbContextOptions<PortalDbContext>? _options;
    private readonly DbContextOptions<PostgresPortalDbContext>? _postgres;

    /// <param name="pooled">Pool connections as the portal does (a test of per-connection state wants it).</param>
    /// <param name="migrateTo">Stop at this migration, for a test of the upgrade from it; the latest by default.</param>
    /// <param name="postgres">PostgreSQL whatever the run selected; null follows ZFSPORTAL_TEST_DATABASE.</param>
    public TestDatabase(bool pooled = false, string? migrateTo = null, bool? postgres = null)
    {
        if ((postgres ?? TestPostgres.Selected) && migrateTo is null)
        {
            ConnectionString = TestPostgres.CreateDatabase();
            _postgres = TestPostgres.Options(ConnectionString);
            return;
        }
        _dir = Directory.CreateTempSubdirectory("zfsportal-test-").FullName;
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        SqliteBusyWait.UsePortalSqlite(options, $"Data Source={Path.Combine(_dir, "portal.db")};Default Timeout=30;Pooling={pooled}");
        _options = options.Options;
        using var db = CreateDbContext();
        db.Database.Migrate(migrateTo);
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    /// <summary>The PostgreSQL database's connection string; null on SQLite.</summary>
    public string? ConnectionString { get; }

    public bool IsPostgres => _postgres is not null;

    public PortalDbContext CreateDbContext() => _postgres is not null ? new PostgresPortalDbContext(_postgres) : new PortalDbContext(_options!);

    public void Dispose()
    {
        if (ConnectionString is not null)
        {
            TestPostgres.DropDatabase(ConnectionString);
            return;
        }
        try { Directory.Delete(_dir!, recursive: true); }
        catch (IOException) { }
    }
}
