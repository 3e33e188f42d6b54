using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Features.Quotas;

/// <summary>
/// A project's usage, derived from its shares: "in use" is committed, "reserved" belongs to requests
/// that are waiting for approval or still being created. Derived, so it can never drift from the shares.
/// </summary>
public sealed record QuotaUsage(int SharesInUse, int SharesReserved, long GigabytesInUse, long GigabytesReserved,
    int SnapshotsInUse = 0, int SnapshotsReserved = 0, long SnapshotGigabytesInUse = 0, long SnapshotGigabytesReserved = 0)
{
    public static readonly QuotaUsage None = new(0, 0, 0, 0);

    public int Shares => SharesInUse + SharesReserved;
    public long Gigabytes => GigabytesInUse + GigabytesReserved;
    public int Snapshots => SnapshotsInUse + SnapshotsReserved;
    public long SnapshotGigabytes => SnapshotGigabytesInUse + SnapshotGigabytesReserved;

    public static async Task<QuotaUsage> ForProjectAsync(PortalDbContext db, Guid projectId, CancellationToken ct)
    {
        var rows = await db.Shares
            .Where(s => s.ProjectId == projectId && s.Status != ShareStatus.Rejected)
            .GroupBy(s => s.Status == ShareStatus.AwaitingApproval || s.Status == ShareStatus.Creating
                          || s.Status == ShareStatus.CreatingFromSnapshot)
            .Select(g => new { Reserved = g.Key, Count = g.Count(), Gigabytes = g.Sum(s => (long)s.SizeGiB) })
            .ToListAsync(ct);
        // An extend reserves the growth until it ends.
        var growing = await db.Shares
            .Where(s => s.ProjectId == projectId && s.Status == ShareStatus.Extending && s.PendingSizeGiB > s.SizeGiB)
            .SumAsync(s => (long)(s.PendingSizeGiB!.Value - s.SizeGiB), ct);
        var snapshots = await db.Snapshots
            .Where(s => s.ProjectId == projectId)
            .GroupBy(s => s.Status == SnapshotStatus.Creating)
            .Select(g => new { Reserved = g.Key, Count = g.Count(), Gigabytes = g.Sum(s => (long)s.SizeGiB) })
            .ToListAsync(ct);
        var reserved = rows.FirstOrDefault(r => r.Reserved);
        var inUse = rows.FirstOrDefault(r => !r.Reserved);
        var snapsReserved = snapshots.FirstOrDefault(r => r.Reserved);
        var snapsInUse = snapshots.FirstOrDefault(r => !r.Reserved);
        return new QuotaUsage(inUse?.Count ?? 0, reserved?.Count ?? 0, inUse?.Gigabytes ?? 0, (reserved?.Gigabytes ?? 0) + growing,
            snapsInUse?.Count ?? 0, snapsReserved?.Count ?? 0, snapsInUse?.Gigabytes ?? 0, snapsReserved?.Gigabytes ?? 0);
    }
}
