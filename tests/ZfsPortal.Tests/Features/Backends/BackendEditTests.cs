using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Backends;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Backends;

public sealed class BackendEditTests : IDisposable
{
    private readonly TestDatabase _db = new();
    private readonly CurrentUser _admin = new("admin-user-id", "admin@example.test", IsAdmin: true);
    private readonly BackendAdminService _service;

    public BackendEditTests() => _service = new BackendAdminService(_db, new FakeBackendProbe(), TimeProvider.System);

    private static BackendInput Input(string host = "198.51.100.1", string pools = "tank") => new("east", host, "22", "zfsportal",
        "/keys/id", "192.0.2.10", "", pools, "zfsportal_share_", "zfsportal_snap_", "compression=lz4", "exportfs",
        "/usr/sbin/zfs", "/usr/sbin/zpool", "/usr/sbin/exportfs", "/usr/bin/sudo");

    private async Task<Guid> CreatePinnedAsync()
    {
        var id = (await _service.CreateAsync(_admin, Input())).Id!.Value;
        Assert.True((await _service.PinHostKeyAsync(_admin, id, FakeBackendProbe.Fingerprint)).Succeeded);
        return id;
    }

    private Backend Stored(Guid id)
    {
        using var db = _db.CreateDbContext();
        return db.Backends.AsNoTracking().Single(b => b.Id == id);
    }

    [Fact]
    public async Task An_edit_stores_the_new_settings_and_keeps_the_pin_of_the_same_address()
    {
        var id = await CreatePinnedAsync();

        Assert.True((await _service.UpdateAsync(_admin, id, Input(pools: "tank, fast"))).Succeeded);

        var backend = Stored(id);
        Assert.Equal(["tank", "fast"], backend.Settings.Pools);
        Assert.Equal("lz4", backend.Settings.DatasetCreationOptions["compression"]);
        Assert.Equal(FakeBackendProbe.Fingerprint, backend.Settings.HostKeySha256);
    }

    [Fact]
    public async Task An_edit_keeps_the_settings_the_form_does_not_show()
    {
        var id = await CreatePinnedAsync();
        await using (var db = _db.CreateDbContext())
        {
            var stored = db.Backends.Single(b => b.Id == id);
            var changed = stored.Settings.Clone();
            (changed.ZfsDialect, changed.ConnectTimeoutSeconds, changed.CommandTimeoutSeconds) = (ZfsDialects.ZfsFuse, 3, 300);
            stored.Settings = changed;
            await db.SaveChangesAsync();
        }

        Assert.True((await _service.UpdateAsync(_admin, id, Input(pools: "tank, fast"))).Succeeded);

        var settings = Stored(id).Settings;
        Assert.Equal((ZfsDialects.ZfsFuse, 3, 300), (settings.ZfsDialect, settings.ConnectTimeoutSeconds, settings.CommandTimeoutSeconds));
    }

    [Fact]
    public async Task An_edit_to_another_address_drops_the_pin()
    {
        var id = await CreatePinnedAsync();

        Assert.True((await _service.UpdateAsync(_admin, id, Input(host: "198.51.100.2"))).Succeeded);

        Assert.Equal(("198.51.100.2", ""), (Stored(id).Settings.Host, Stored(id).Settings.HostKeySha256));
    }

    [Fact]
    public async Task A_second_backend_with_the_same_name_is_refused()
    {
        await CreatePinnedAsync();

        var result = await _service.CreateAsync(_admin, Input(host: "198.51.100.2"));

        Assert.Equal("A backend named 'east' exists already.", result.Errors[BackendAdminService.NameField]);
    }

    public void Dispose() => _db.Dispose();
}
