using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Backends;

/// <summary>The storage backends, as admins manage them in the portal's database.</summary>
public sealed class BackendCatalog(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<BackendOptions> GetAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var backend = await db.Backends.AsNoTracking().SingleOrDefaultAsync(b => b.Settings.Name == name, ct)
                      ?? throw new InvalidOperationException($"Backend '{name}' no longer exists in the portal; an admin must restore it.");
        return backend.Settings;
    }

    /// <summary>Every backend (optionally only the one named), enabled or not; placement judges each.</summary>
    public async Task<IReadOnlyList<Backend>> ListAsync(string? name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Backends.AsNoTracking()
            .Where(b => name == null || b.Settings.Name == name)
            .OrderBy(b => b.Settings.Name)
            .ToListAsync(ct);
    }
}
