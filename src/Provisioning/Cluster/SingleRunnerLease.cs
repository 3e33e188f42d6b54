using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Provisioning.Cluster;

/// <summary>
/// A lease row in the portal's database for periodic work that one node at a time must run (the backend health
/// check, the reconciler): each pass, the holder renews it and runs; the other nodes find it held and skip. A node
/// that dies stops renewing, and another takes the lease once it has expired (docs/adr/0025). On SQLite, with one
/// node, it is always this node's: one small write per pass.
/// </summary>
public sealed class SingleRunnerLease(IDbContextFactory<PortalDbContext> dbFactory, NodeIdentity node, TimeProvider time)
{
    /// <summary>True when this node holds <paramref name="name"/> for <paramref name="lease"/> from now (taken or renewed).</summary>
    public async Task<bool> TryHoldAsync(string name, TimeSpan lease, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var until = now + lease;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One compare-and-set: renewed by its holder, or taken over once expired; never while another holds it.
        var held = await db.Leases
            .Where(l => l.Name == name && (l.Holder == node.Id || l.ExpiresAt < now))
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.Holder, node.Id).SetProperty(l => l.ExpiresAt, until), ct);
        if (held == 1)
            return true;
        if (await db.Leases.AnyAsync(l => l.Name == name, ct))
            return false;
        db.Leases.Add(new Lease { Name = name, Holder = node.Id, ExpiresAt = until });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another node wrote the first row at the same moment: it holds the lease.
            return false;
        }
    }

    /// <summary>At a normal stop: lets another node take the work at its next pass instead of after the expiry.</summary>
    public async Task ReleaseAsync(string name, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Leases.Where(l => l.Name == name && l.Holder == node.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.ExpiresAt, DateTime.UnixEpoch), ct);
    }

    /// <summary>Who holds the lease now (null when nobody does): for the tests and an admin's look.</summary>
    public async Task<string?> HolderAsync(string name, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Leases.Where(l => l.Name == name && l.ExpiresAt >= now).Select(l => l.Holder).SingleOrDefaultAsync(ct);
    }
}
