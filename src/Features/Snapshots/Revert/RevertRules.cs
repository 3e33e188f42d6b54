using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;

namespace ZfsPortal.Features.Snapshots.Revert;

/// <summary>
/// When a share may go back to a snapshot (as Manila's revert): only to its latest snapshot, which must be available. A newer
/// snapshot stands in the way (zfs rollback would have to destroy it), and so does a share cloned from a newer one (its
/// origin cannot go); each refusal says what to delete first.
/// </summary>
public static class RevertRules
{
    public static async Task<string?> RefuseAsync(PortalDbContext db, Share share, Snapshot snapshot, CancellationToken ct)
    {
        if (snapshot.Status != SnapshotStatus.Available)
            return $"Snapshot {snapshot.Name} is {snapshot.Status.ToManila()}; a share can be reverted only to an available snapshot.";
        var newer = await db.Snapshots.AsNoTracking()
            .Where(s => s.ShareId == share.Id && s.Id != snapshot.Id && s.CreatedAt >= snapshot.CreatedAt)
            .OrderBy(s => s.CreatedAt).Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        if (newer.Count == 0)
            return null;
        var ids = newer.Select(n => n.Id).ToList();
        var clones = await db.Shares.AsNoTracking().Where(s => s.SourceSnapshotId != null && ids.Contains(s.SourceSnapshotId.Value) && s.IsCloneOfSource)
            .Select(s => s.Name).ToListAsync(ct);
        var names = string.Join(", ", newer.Select(n => $"'{n.Name}'"));
        // Whole sentences for each case, so that each reads right in every language (Sentences.ja.resx).
        if (clones.Count > 0)
        {
            var cloneNames = string.Join(", ", clones.Select(c => $"'{c}'"));
            return newer.Count == 1
                ? $"Only the latest snapshot can be reverted to, and {names} was taken after {snapshot.Name}: delete share {cloneNames}, a clone of a newer snapshot, then the newer snapshots."
                : $"Only the latest snapshot can be reverted to, and {names} were taken after {snapshot.Name}: delete share {cloneNames}, a clone of a newer snapshot, then the newer snapshots.";
        }
        return newer.Count == 1
            ? $"Only the latest snapshot can be reverted to, and {names} was taken after {snapshot.Name}: delete it first."
            : $"Only the latest snapshot can be reverted to, and {names} were taken after {snapshot.Name}: delete them first.";
    }
}
