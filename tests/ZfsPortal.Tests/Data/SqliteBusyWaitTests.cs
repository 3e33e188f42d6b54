using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Hosting;

namespace ZfsPortal.Tests.Data;

/// <summary>
/// The portal's SQLite connections let SQLite wait for the write lock itself (ADR 34), so a writer that meets another
/// one's lock gets it within milliseconds of its release instead of after the driver's fixed 150 ms sleep.
/// </summary>
public sealed class SqliteBusyWaitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zfsportal-busy-").FullName;

    [Fact]
    public async Task Every_connection_the_portal_opens_and_reopens_from_the_pool_waits_in_SQLite()
    {
        await using var services = new ServiceCollection().AddPortalDatabase(new PortalOptions(), _dir).BuildServiceProvider();
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        for (var open = 0; open < 2; open++)
        {
            await using var db = await factory.CreateDbContextAsync();
            Assert.Equal(SqliteBusyWait.Milliseconds, await BusyTimeoutAsync(db));
        }
    }

    [Fact]
    public async Task A_plain_connection_would_not_wait_so_the_setting_is_the_interceptors()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>().UseSqlite($"Data Source={Path.Combine(_dir, "plain.db")}").Options;
        await using var db = new PortalDbContext(options);
        Assert.Equal(0, await BusyTimeoutAsync(db));
    }

    private static async Task<long> BusyTimeoutAsync(PortalDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
