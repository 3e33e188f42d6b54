using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ZfsPortal.Data.PostgreSql;

namespace ZfsPortal.Testing;

/// <summary>
/// Fresh, migrated databases on the tests' PostgreSQL (scripts/postgres.sh: 127.0.0.1:55432, password in
/// /var/lib/zfsportal-pg; ZFSPORTAL_PG_DIR and ZFSPORTAL_PG_PORT as the script takes them). The first one of a test
/// process is migrated into a template; each further one is a copy of it (CREATE DATABASE … TEMPLATE), which takes a
/// fraction of a migration. Fails loudly, with the command to run, when the server is not up.
/// </summary>
internal static class TestPostgres
{
    /// <summary>Set by scripts/test.sh for the second, PostgreSQL run of the database-facing tests.</summary>
    public static bool Selected => string.Equals(Environment.GetEnvironmentVariable("ZFSPORTAL_TEST_DATABASE"), "postgresql",
        StringComparison.OrdinalIgnoreCase);

    private static readonly Lock Gate = new();
    private static readonly string Prefix = $"zfsportal_t{Environment.ProcessId}_";
    private static string? _template;
    private static int _count;

    public static string ServerConnectionString(string database = "zfsportal")
    {
        var dir = Environment.GetEnvironmentVariable("ZFSPORTAL_PG_DIR") is { Length: > 0 } d ? d : "/var/lib/zfsportal-pg";
        var port = Environment.GetEnvironmentVariable("ZFSPORTAL_PG_PORT") is { Length: > 0 } p ? p : "55432";
        var passwordFile = Path.Combine(dir, "password");
        if (!File.Exists(passwordFile))
            throw new InvalidOperationException(
                $"The tests' PostgreSQL is not set up ({passwordFile} is missing): run `bash scripts/postgres.sh up` (scripts/test.sh does).");
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), Database = database,
            Username = "zfsportal", Password = File.ReadAllText(passwordFile).Trim(),
            // Many small databases in one run: few connections each, closed soon after a test.
            MaxPoolSize = 30, ConnectionIdleLifetime = 10,
        }.ConnectionString;
    }

    /// <summary>A new database with the portal's PostgreSQL migrations applied; its connection string.</summary>
    /// <param name="dropAtExit">Dropped when the test process ends (one that outlives the portal that made it).</param>
    public static string CreateDatabase(bool dropAtExit = false)
    {
        var template = Template();
        var name = Prefix + Interlocked.Increment(ref _count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Execute($"CREATE DATABASE {name} TEMPLATE {template}");
        if (dropAtExit)
            DropAtExit(name);
        return ServerConnectionString(name);
    }

    private static void DropAtExit(string name) => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        try { Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)"); }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException) { }
    };

    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        using (var c = new NpgsqlConnection(connectionString))
            NpgsqlConnection.ClearPool(c);
        Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    public static DbContextOptions<PostgresPortalDbContext> Options(string connectionString) =>
        new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(connectionString).Options;

    private static string Template()
    {
        lock (Gate)
        {
            if (_template is not null)
                return _template;
            DropLeftovers();
            var name = Prefix + "template";
            Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            Execute($"CREATE DATABASE {name}");
            var cs = ServerConnectionString(name);
            using (var db = new PostgresPortalDbContext(Options(cs)))
                db.Database.Migrate();
            using (var c = new NpgsqlConnection(cs))
                NpgsqlConnection.ClearPool(c);
            DropAtExit(name);
            return _template = name;
        }
    }

    /// <summary>Databases of earlier test processes that did not end normally (a killed run).</summary>
    private static void DropLeftovers()
    {
        var names = new List<string>();
        using (var c = Open())
        using (var cmd = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'zfsportal\\_t%'", c))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                names.Add(r.GetString(0));
        foreach (var name in names)
        {
            var pid = name["zfsportal_t".Length..].Split('_')[0];
            if (int.TryParse(pid, out var p) && p != Environment.ProcessId && !Alive(p))
                Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static bool Alive(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    private static void Execute(string sql)
    {
        using var c = Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    private static NpgsqlConnection Open()
    {
        var c = new NpgsqlConnection(ServerConnectionString());
        try
        {
            c.Open();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            c.Dispose();
            throw new InvalidOperationException(
                $"The tests' PostgreSQL does not answer ({ex.Message}): run `bash scripts/postgres.sh up` (scripts/test.sh does).", ex);
        }
        return c;
    }
}
