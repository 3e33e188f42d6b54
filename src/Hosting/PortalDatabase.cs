using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ZfsPortal.Data;
using ZfsPortal.Data.PostgreSql;
using ZfsPortal.Provisioning.Cluster;

namespace ZfsPortal.Hosting;

/// <summary>
/// The one setting that chooses the database (<c>Portal:Database</c>): the embedded SQLite files, or a PostgreSQL that
/// several portal nodes share (docs/adr/0024). Hangfire's storage follows it; a wrong setting stops the start with a
/// sentence that names the key.
/// </summary>
public static class PortalDatabase
{
    public const string Sqlite = "sqlite", PostgreSql = "postgresql";
    public const string DatabaseKey = "Portal:Database", ConnectionStringKey = "Portal:ConnectionString";

    public static bool IsPostgreSql(PortalOptions portal) => Provider(portal) == PostgreSql;

    /// <summary>The provider named by <c>Portal:Database</c>, or a start-stopping message that names the key.</summary>
    public static string Provider(PortalOptions portal) => portal.Database.Trim().ToLowerInvariant() switch
    {
        "" or Sqlite => Sqlite,
        PostgreSql or "postgres" => PostgreSql,
        _ => throw new InvalidOperationException(
            $"{DatabaseKey} is '{portal.Database}'; it takes '{Sqlite}' (the default) or '{PostgreSql}' (with {ConnectionStringKey})."),
    };

    /// <summary>The connection string, checked for its form (a reachable server is checked by the migration at start).</summary>
    public static string PostgreSqlConnectionString(PortalOptions portal)
    {
        if (string.IsNullOrWhiteSpace(portal.ConnectionString))
            throw new InvalidOperationException(
                $"{DatabaseKey} is '{PostgreSql}' but {ConnectionStringKey} is empty; set it to an Npgsql connection string, "
                + "e.g. Host=127.0.0.1;Port=55432;Database=zfsportal;Username=zfsportal;Password=… (bash scripts/postgres.sh env prints one).");
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(portal.ConnectionString);
            if (string.IsNullOrWhiteSpace(builder.Host))
                throw new ArgumentException("it names no Host");
            return builder.ConnectionString;
        }
        catch (ArgumentException ex)
        {
            throw new InvalidOperationException($"{ConnectionStringKey} is not a valid Npgsql connection string: {ex.Message}", ex);
        }
    }

    public static IServiceCollection AddPortalDatabase(this IServiceCollection services, PortalOptions portal, string dataDir)
    {
        if (!IsPostgreSql(portal))
        {
            services.AddDbContextFactory<PortalDbContext>(o => SqliteBusyWait.UsePortalSqlite(o, $"Data Source={Path.Combine(dataDir, "portal.db")};Default Timeout=30"));
            return services;
        }
        var dataSource = NpgsqlDataSource.Create(PostgreSqlConnectionString(portal));
        services.AddSingleton(dataSource);
        services.AddDbContextFactory<PostgresPortalDbContext>(o => PostgresPortalDbContext.Configure(o, dataSource));
        // Every consumer asks for PortalDbContext; on PostgreSQL it is the subtype whose migrations are PostgreSQL's own.
        services.AddSingleton<IDbContextFactory<PortalDbContext>, PostgresContextFactory>();
        // A user's cookie and form tokens must be valid on whichever node serves the next request.
        services.AddDataProtection().SetApplicationName("ZfsPortal").PersistKeysToDbContext<PortalDbContext>();
        services.AddSingleton<PostgresShareEventRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresShareEventRelay>());
        return services;
    }

    /// <summary>This portal's Hangfire storage: hangfire.db beside portal.db, or the <c>hangfire</c> schema of its PostgreSQL.</summary>
    public static JobStorage PortalJobStorage(PortalOptions portal, string dataDir)
    {
        var poll = TimeSpan.FromMilliseconds(portal.QueuePollMilliseconds);
        if (!IsPostgreSql(portal))
            return new SQLiteStorage(Path.Combine(dataDir, "hangfire.db"), new SQLiteStorageOptions { QueuePollInterval = poll });
        var options = new PostgreSqlStorageOptions
        {
            QueuePollInterval = poll,
            // A job a pages-only node enqueues wakes a jobs node through LISTEN/NOTIFY instead of waiting for its poll.
            EnableLongPolling = true,
            PrepareSchemaIfNecessary = true,
            SchemaName = "hangfire",
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(PostgreSqlConnectionString(portal), options), options);
    }

    /// <summary>Applies the provider's migrations; an unreachable or refusing server stops the start naming the key.</summary>
    public static async Task MigrateAsync(PortalDbContext db)
    {
        if (!db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync();
            // WAL lets pages read while a job writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            return;
        }
        try
        {
            await db.Database.MigrateAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            var target = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
            throw new InvalidOperationException(
                $"{ConnectionStringKey}: could not migrate the PostgreSQL database '{target.Database}' at {target.Host}:{target.Port} "
                + $"as '{target.Username}': {ex.Message}", ex);
        }
    }

    private sealed class PostgresContextFactory(IDbContextFactory<PostgresPortalDbContext> inner) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
