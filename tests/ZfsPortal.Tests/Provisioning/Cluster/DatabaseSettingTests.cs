using Microsoft.Extensions.Configuration;
using ZfsPortal.Hosting;
using ZfsPortal.Provisioning;
using ZfsPortal.Provisioning.Cluster;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Provisioning.Cluster;

/// <summary>Portal:Database and Portal:ConnectionString: a wrong setting stops the start with a message that names the key.</summary>
public sealed class DatabaseSettingTests
{
    [Theory]
    [InlineData("mysql", null, "Portal:Database is 'mysql'")]
    [InlineData("postgresql", null, "Portal:Database is 'postgresql' but Portal:ConnectionString is empty")]
    [InlineData("postgresql", "Host=127.0.0.1;Bogus Key=1", "Portal:ConnectionString is not a valid Npgsql connection string")]
    public void A_wrong_setting_is_refused_naming_the_key(string database, string? connectionString, string expected)
    {
        var portal = new PortalOptions { Database = database, ConnectionString = connectionString };
        var ex = Assert.Throws<InvalidOperationException>(() =>
        {
            if (PortalDatabase.IsPostgreSql(portal))
                PortalDatabase.PostgreSqlConnectionString(portal);
        });
        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_stops_the_start_naming_the_key()
    {
        var backend = LocalBackend.Read(LocalBackend.DefaultPath());
        await using var portal = new TestPortal(backend, "Unreachable-Passw0rd!", new Dictionary<string, string?>
        {
            ["Portal:Database"] = "postgresql",
            // A port nothing listens on (the tests' PostgreSQL is on 55432).
            ["Portal:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=zfsportal;Username=zfsportal;Password=x;Timeout=3",
        });
        var ex = Assert.ThrowsAny<Exception>(() => portal.Services);
        Assert.Contains("Portal:ConnectionString: could not migrate the PostgreSQL database 'zfsportal' at 127.0.0.1:1", ex.ToString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_change_relayed_between_nodes_reads_back_as_sent_and_a_node_ignores_a_garbled_one()
    {
        var changes = Enumerable.Range(0, 90).Select(_ => new ShareChanged(Guid.NewGuid(), Guid.NewGuid())).ToList();
        var payload = PostgresShareEventRelay.Payload(new NodeIdentity().Id, changes);
        Assert.True(payload.Length < 8000, $"{payload.Length} bytes: over PostgreSQL's NOTIFY limit");
        Assert.Equal(changes, PostgresShareEventRelay.Parse(payload)!.Value.Changes);
        Assert.Null(PostgresShareEventRelay.Parse("no sender"));
        Assert.Empty(PostgresShareEventRelay.Parse("node|zz,yy;;")!.Value.Changes);
    }
}
