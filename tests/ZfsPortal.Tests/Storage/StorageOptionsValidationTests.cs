using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class StorageOptionsValidationTests
{
    private static Dictionary<string, string?> ValidBackend(int i = 0, string name = "local") => new()
    {
        [$"Storage:Backends:{i}:Name"] = name,
        [$"Storage:Backends:{i}:Host"] = "127.0.0.1",
        [$"Storage:Backends:{i}:Port"] = "2222",
        [$"Storage:Backends:{i}:User"] = "zfsportal",
        [$"Storage:Backends:{i}:PrivateKeyPath"] = "/var/lib/zfsportal-host/id_ed25519",
        [$"Storage:Backends:{i}:HostKeySha256"] = "SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og",
        [$"Storage:Backends:{i}:ShareExportIp"] = "192.0.2.10",
        [$"Storage:Backends:{i}:Pools:0"] = "zfsportal",
        [$"Storage:Backends:{i}:DatasetCreationOptions:compression"] = "lz4",
    };

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddStorage(configuration).BuildServiceProvider();
    }

    private static string ErrorsFor(Dictionary<string, string?> settings)
    {
        using var services = Build(settings);
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);
        return string.Join("\n", error.Failures);
    }

    private static Dictionary<string, string?> With(string key, string? value)
    {
        var settings = ValidBackend();
        settings[$"Storage:Backends:0:{key}"] = value;
        return settings;
    }

    [Fact]
    public void A_valid_backend_binds_with_its_pools_and_creation_options()
    {
        using var services = Build(ValidBackend());
        var backend = Assert.Single(services.GetRequiredService<IOptions<StorageOptions>>().Value.Backends);
        Assert.Equal(2222, backend.Port);
        Assert.Equal(["zfsportal"], backend.Pools);
        Assert.Equal("lz4", backend.DatasetCreationOptions["compression"]);
    }

    [Fact]
    public void No_backends_at_all_is_valid()
    {
        using var services = Build([]);
        Assert.Empty(services.GetRequiredService<IOptions<StorageOptions>>().Value.Backends);
    }

    [Theory]
    [InlineData("Name", "", "Storage:Backends:0:Name is required")]
    [InlineData("Host", "", "Storage:Backends:0:Host is required")]
    [InlineData("Port", "0", "Storage:Backends:0:Port must be between 1 and 65535 (was 0)")]
    [InlineData("Port", "70000", "Storage:Backends:0:Port must be between 1 and 65535 (was 70000)")]
    [InlineData("User", "", "Storage:Backends:0:User is required")]
    [InlineData("PrivateKeyPath", "", "Storage:Backends:0:PrivateKeyPath is required")]
    [InlineData("ShareExportIp", "nfs.example", "Storage:Backends:0:ShareExportIp 'nfs.example' is not an IP address")]
    [InlineData("ServiceIp", "10.0.0.300", "Storage:Backends:0:ServiceIp '10.0.0.300' is not an IP address")]
    [InlineData("NfsHelper", "knfsd", "Storage:Backends:0:NfsHelper must be 'exportfs', 'sharenfs' or 'ganesha' (was 'knfsd')")]
    [InlineData("ZfsDialect", "solaris", "Storage:Backends:0:ZfsDialect must be 'auto', 'zfs-fuse' or 'openzfs' (was 'solaris')")]
    [InlineData("ZfsPath", "zfs", "Storage:Backends:0:ZfsPath must be an absolute path")]
    [InlineData("SudoPath", "/usr/bin/sudo -E", "Storage:Backends:0:SudoPath must be an absolute path")]
    [InlineData("ExportfsPath", "", "Storage:Backends:0:ExportfsPath must be an absolute path")]
    [InlineData("ZpoolPath", "../zpool", "Storage:Backends:0:ZpoolPath must be an absolute path")]
    [InlineData("HostKeySha256", "MD5:aa:bb", "Storage:Backends:0:HostKeySha256 'MD5:aa:bb' is not a SHA-256 fingerprint")]
    [InlineData("Pools:0", "bad pool", "Storage:Backends:0:Pools:0 'bad pool' is not a valid pool name")]
    [InlineData("DatasetPrefix", "share name", "Storage:Backends:0:DatasetPrefix 'share name' may hold only")]
    [InlineData("DatasetCreationOptions:compression", "lz4 x", "Storage:Backends:0:DatasetCreationOptions:compression must be")]
    [InlineData("CommandTimeoutSeconds", "0", "Storage:Backends:0:CommandTimeoutSeconds must be positive")]
    public void A_bad_setting_is_reported_with_its_key(string key, string value, string expected) =>
        Assert.Contains(expected, ErrorsFor(With(key, value)), StringComparison.Ordinal);

    [Fact]
    public void A_backend_without_pools_is_refused()
    {
        var settings = ValidBackend();
        settings.Remove("Storage:Backends:0:Pools:0");
        Assert.Contains("Storage:Backends:0:Pools must list at least one ZFS pool", ErrorsFor(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_host_key_pin_is_accepted_so_the_first_connect_can_show_the_fingerprint()
    {
        using var services = Build(With("HostKeySha256", ""));
        Assert.Single(services.GetRequiredService<IOptions<StorageOptions>>().Value.Backends);
    }

    [Fact]
    public void Two_backends_with_the_same_name_are_refused()
    {
        var settings = ValidBackend();
        foreach (var (key, value) in ValidBackend(1, "LOCAL"))
        {
            settings[key] = value;
        }

        Assert.Contains("Storage:Backends:1:Name 'LOCAL' is used by another backend", ErrorsFor(settings), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_setting_is_reported_at_once()
    {
        var settings = With("Port", "0");
        settings["Storage:Backends:0:User"] = "";
        var errors = ErrorsFor(settings);
        Assert.Contains(":Port ", errors, StringComparison.Ordinal);
        Assert.Contains(":User ", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void AddStorage_registers_one_connection_pool_and_the_ssh_host_factory()
    {
        using var services = Build(ValidBackend());
        Assert.IsType<SshStorageHostFactory>(services.GetRequiredService<IStorageHostFactory>());
        Assert.Same(services.GetRequiredService<SshConnectionPool>(), services.GetRequiredService<SshConnectionPool>());
    }

    [Fact]
    public async Task AddStorage_validates_when_the_app_starts()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new());
        builder.Configuration.AddInMemoryCollection(With("Port", "0"));
        builder.Services.AddStorage(builder.Configuration);
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Storage:Backends:0:Port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SyncFromConfiguration_binds_with_the_backends_and_is_off_by_default()
    {
        var settings = ValidBackend();
        using (var services = Build(settings))
            Assert.False(services.GetRequiredService<IOptions<StorageOptions>>().Value.SyncFromConfiguration);

        settings["Storage:SyncFromConfiguration"] = "true";
        using (var services = Build(settings))
            Assert.True(services.GetRequiredService<IOptions<StorageOptions>>().Value.SyncFromConfiguration);
    }

    [Fact]
    public void A_SyncFromConfiguration_that_is_not_a_boolean_is_refused_naming_the_key()
    {
        var settings = ValidBackend();
        settings["Storage:SyncFromConfiguration"] = "yes";
        using var services = Build(settings);
        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);
        Assert.Contains("Storage:SyncFromConfiguration", error.Message, StringComparison.Ordinal);
    }
}
