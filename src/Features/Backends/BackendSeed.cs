using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Backends;

/// <summary>
/// Backends from <c>Storage:Backends</c> are added to the portal on start when it does not know them yet;
/// afterwards admins manage them. With <c>Storage:SyncFromConfiguration</c> (the local dev host, whose
/// keys change when it is rebuilt) the configuration also overwrites them at every start.
/// </summary>
public sealed class BackendSeed(IDbContextFactory<PortalDbContext> dbFactory, IOptions<StorageOptions> storage, IConfiguration configuration)
{
    public async Task<int> SeedAsync(CancellationToken ct)
    {
        var overwrite = configuration.GetValue<bool>("Storage:SyncFromConfiguration");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = 0;
        foreach (var configured in storage.Value.Backends)
        {
            var existing = await db.Backends.SingleOrDefaultAsync(b => b.Name == configured.Name, ct);
            if (existing is null)
            {
                var backend = new Backend();
                backend.CopyFrom(configured);
                db.Backends.Add(backend);
                changed++;
            }
            else if (overwrite)
            {
                existing.CopyFrom(configured);
                changed++;
            }
        }
        await db.SaveChangesAsync(ct);
        return changed;
    }
}
