using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Tests.Support;

/// <summary>
/// A real, migrated SQLite database in a temp file (not in-memory: concurrency tests need several
/// connections to see one database, as the portal's do).
/// </summary>
public sealed class TestDatabase : IDbContextFactory<PortalDbContext>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zfsportal-test-").FullName;
    private readonly DbContextOptions<PortalDbContext> _options;

    /// <param name="pooled">Pool connections as the portal does (a test of per-connection state wants it).</param>
    /// <param name="migrateTo">Stop at this migration, for a test of the upgrade from it; the latest by default.</param>
    public TestDatabase(bool pooled = false, string? migrateTo = null)
    {
        _options = new DbContextOptionsBuilder<PortalDbContext>()
            .UseSqlite($"Data Source={Path.Combine(_dir, "portal.db")};Default Timeout=30;Pooling={pooled}")
            .Options;
        using var db = CreateDbContext();
        db.Database.Migrate(migrateTo);
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    public PortalDbContext CreateDbContext() => new(_options);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
