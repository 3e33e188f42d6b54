using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Backends;

public sealed class BackendSeedTests : IDisposable
{
    private readonly TestDatabase _db = new();

    /// <summary>The seed with <c>Storage:*</c> bound as at start, one backend on <paramref name="host"/>.</summary>
    private BackendSeed Seed(string host, bool? sync = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Backends:0:Name"] = "local", ["Storage:Backends:0:Host"] = host, ["Storage:Backends:0:User"] = "zfsportal",
            ["Storage:Backends:0:PrivateKeyPath"] = "/keys/id", ["Storage:Backends:0:ShareExportIp"] = "192.0.2.10",
            ["Storage:Backends:0:Pools:0"] = "tank",
        };
        if (sync is { } value)
            settings["Storage:SyncFromConfiguration"] = value ? "true" : "false";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddStorage(configuration).BuildServiceProvider();
        return new BackendSeed(_db, Options.Create(services.GetRequiredService<IOptions<StorageOptions>>().Value));
    }

    private Backend Stored()
    {
        using var db = _db.CreateDbContext();
        return db.Backends.AsNoTracking().Single(b => b.Settings.Name == "local");
    }

    [Fact]
    public async Task A_configured_backend_the_portal_does_not_know_is_added()
    {
        Assert.Equal(1, await Seed("198.51.100.1").SeedAsync(default));

        Assert.Equal(["tank"], Stored().Settings.Pools);
    }

    [Fact]
    public async Task A_known_backend_keeps_what_admins_made_of_it_unless_the_configuration_syncs()
    {
        await Seed("198.51.100.1").SeedAsync(default);

        Assert.Equal(0, await Seed("198.51.100.2").SeedAsync(default));
        Assert.Equal(0, await Seed("198.51.100.2", sync: false).SeedAsync(default));
        Assert.Equal("198.51.100.1", Stored().Settings.Host);
    }

    [Fact]
    public async Task With_SyncFromConfiguration_a_known_backend_takes_the_configured_settings_and_keeps_its_state()
    {
        await Seed("198.51.100.1").SeedAsync(default);
        var before = Stored();

        Assert.Equal(1, await Seed("198.51.100.2", sync: true).SeedAsync(default));

        var after = Stored();
        Assert.Equal("198.51.100.2", after.Settings.Host);
        Assert.Equal((before.Id, before.CreatedAt), (after.Id, after.CreatedAt));
    }

    public void Dispose() => _db.Dispose();
}
