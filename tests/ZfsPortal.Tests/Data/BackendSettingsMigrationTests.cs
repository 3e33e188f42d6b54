using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Tests.Data;

/// <summary>
/// The migration that moved a backend's settings into one owned value renames the columns; a backend stored
/// before it comes out of the upgrade with every setting and every bit of its state.
/// </summary>
public sealed class BackendSettingsMigrationTests : IDisposable
{
    private const string Before = "ShareMountpoint";
    private readonly TestDatabase _db = new(migrateTo: Before);

    [Fact]
    public async Task A_backend_stored_before_the_upgrade_keeps_its_settings_and_state()
    {
        await using (var db = _db.CreateDbContext())
        {
            // The columns as the migrations up to ShareMountpoint created them, written as the old model wrote them
            // (the JSON ones as parameters: braces in the text would read as placeholders).
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "Backends" ("Id", "Name", "Host", "Port", "User", "PrivateKeyPath", "HostKeySha256",
                    "ShareExportIp", "ServiceIp", "Pools", "DatasetPrefix", "SnapshotPrefix", "DatasetCreationOptions",
                    "NfsHelper", "ZfsDialect", "SudoPath", "ZfsPath", "ZpoolPath", "ExportfsPath",
                    "ConnectTimeoutSeconds", "CommandTimeoutSeconds", "Enabled", "Health", "HealthMessage",
                    "LastCheckedAt", "LastUpAt", "CreatedAt", "PoolReadings")
                VALUES ('5F0C7B1E-2D3A-4B5C-8D9E-0123456789AB', 'zfs-east', '198.51.100.7', 2222, 'zfsportal',
                    '/etc/zfsportal/id_ed25519', 'ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og',
                    '192.0.2.10', '10.0.0.7', {0}, 'east_share_', 'east_snap_', {1},
                    'sharenfs', 'zfs-fuse', '/bin/sudo', '/sbin/zfs', '/sbin/zpool', '/sbin/exportfs',
                    7, 90, 0, 'Down', 'ssh: connection refused',
                    '2026-11-30 10:00:00', '2026-11-29 09:00:00', '2026-11-01 08:00:00',
                    {2});
                """, ["[\"tank\",\"fast\"]", "{\"compression\":\"lz4\"}", "[{\"AvailableBytes\":1000,\"Pool\":\"tank\",\"UsedBytes\":24}]"]);
            await db.Database.MigrateAsync();
        }

        await using var after = _db.CreateDbContext();
        var backend = await after.Backends.SingleAsync(b => b.Settings.Name == "zfs-east");
        var s = backend.Settings;
        Assert.Equal(Guid.Parse("5F0C7B1E-2D3A-4B5C-8D9E-0123456789AB"), backend.Id);
        Assert.Equal(("198.51.100.7", 2222, "zfsportal", "/etc/zfsportal/id_ed25519"), (s.Host, s.Port, s.User, s.PrivateKeyPath));
        Assert.Equal("ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og", s.HostKeySha256);
        Assert.Equal(("192.0.2.10", "10.0.0.7"), (s.ShareExportIp, s.ServiceIp));
        Assert.Equal(["tank", "fast"], s.Pools);
        Assert.Equal(("east_share_", "east_snap_"), (s.DatasetPrefix, s.SnapshotPrefix));
        Assert.Equal(new Dictionary<string, string> { ["compression"] = "lz4" }, s.DatasetCreationOptions);
        Assert.Equal(("sharenfs", "zfs-fuse"), (s.NfsHelper, s.ZfsDialect));
        Assert.Equal(("/bin/sudo", "/sbin/zfs", "/sbin/zpool", "/sbin/exportfs"), (s.SudoPath, s.ZfsPath, s.ZpoolPath, s.ExportfsPath));
        Assert.Equal((7, 90), (s.ConnectTimeoutSeconds, s.CommandTimeoutSeconds));
        Assert.False(backend.Enabled);
        Assert.Equal((BackendHealth.Down, "ssh: connection refused"), (backend.Health, backend.HealthMessage));
        Assert.Equal(new DateTime(2026, 11, 30, 10, 0, 0), backend.LastCheckedAt);
        Assert.Equal(new DateTime(2026, 11, 29, 9, 0, 0), backend.LastUpAt);
        Assert.Equal(new DateTime(2026, 11, 1, 8, 0, 0), backend.CreatedAt);
        var reading = Assert.Single(backend.PoolReadings);
        Assert.Equal(("tank", 1000L, 24L), (reading.Pool, reading.AvailableBytes, reading.UsedBytes));
    }

    [Fact]
    public async Task Backend_names_stay_unique_after_the_upgrade()
    {
        await using (var db = _db.CreateDbContext())
            await db.Database.MigrateAsync();

        await using var after = _db.CreateDbContext();
        after.Backends.Add(new Backend { Settings = new() { Name = "twin" } });
        after.Backends.Add(new Backend { Settings = new() { Name = "twin" } });
        await Assert.ThrowsAsync<DbUpdateException>(() => after.SaveChangesAsync());
    }

    public void Dispose() => _db.Dispose();
}
