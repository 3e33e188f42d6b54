using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;

namespace ZfsPortal.Data.PostgreSql;

/// <summary>
/// The portal's model on PostgreSQL. A type of its own only so that EF Core keeps its migrations apart from SQLite's
/// (a migration belongs to the context type named in its [DbContext]): these live in src/Data/PostgreSql/Migrations,
/// SQLite's stay in src/Data/Migrations. Everything else asks for <see cref="PortalDbContext"/> (docs/adr/0024).
/// </summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options)
{
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource) =>
        options.UseNpgsql(dataSource, o => o.MigrationsHistoryTable("__EFMigrationsHistory"));

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // timestamptz takes only UTC; the portal writes UTC everywhere, and SQLite read back times without a kind
        // (Unspecified), which are UTC too. Read back as UTC, as the code expects.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

/// <summary>
/// For <c>dotnet ef migrations add --context PostgresPortalDbContext</c> (scripts/migrations-add.sh): a model needs no
/// server, so the connection string only names one.
/// </summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPortalDbContext>
{
    public PostgresPortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresPortalDbContext>()
            .UseNpgsql("Host=127.0.0.1;Port=55432;Database=zfsportal_design;Username=zfsportal")
            .Options;
        return new PostgresPortalDbContext(options);
    }
}

/// <summary>
/// For <c>dotnet ef migrations add --context PortalDbContext</c>: SQLite's model, named explicitly, because EF's tools
/// would otherwise take the PostgreSQL factory above for its base type too.
/// </summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=:memory:").Options);
}
