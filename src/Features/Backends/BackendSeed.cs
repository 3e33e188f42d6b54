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
public sealed class BackendSeed(IDbContextFactory<PortalDbContext> dbFactory, IOptions<StorageOptions> storage)
{
    public async Task<int> SeedAsync(CancellationToken ct)
    {
        await using var oneNodeAtATime = await SeedLock.HoldAsync(dbFactory, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var changed = 0;
        foreach (var configured in storage.Value.Backends)
        {
            // Copies: the configured options are shared by the whole app and must not become tracked rows.
            var existing = await db.Backends.SingleOrDefaultAsync(b => b.Settings.Name == configured.Name, ct);
            if (existing is null)
            {
                db.Backends.Add(new Backend { Settings = configured.Clone() });
                changed++;
            }
            else if (storage.Value.SyncFromConfiguration)
            {
                existing.Settings = configured.Clone();
                changed++;
            }
        }
        await db.SaveChangesAsync(ct);
        return changed;
    }
}
