using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Quotas;
using ZfsPortal.Storage;

namespace ZfsPortal.Drills;

/// <summary>What must hold once a drill's operations have settled, checked against the host (local zfs, exportfs) and portal.db.</summary>
internal sealed record Check(int Unsettled, int OrphanDatasets, int OrphanSnapshots, int OrphanExports, int SharesWithoutDataset,
    int SnapshotsWithoutZfs, int SizeMismatches, int QuotaMismatches, IReadOnlyList<string> Findings)
{
    public int Orphans => OrphanDatasets + OrphanSnapshots + OrphanExports + SharesWithoutDataset + SnapshotsWithoutZfs;
    public bool Clean => Unsettled == 0 && Orphans == 0 && SizeMismatches == 0 && QuotaMismatches == 0;
}

internal static class Invariants
{
    private static readonly ShareStatus[] Transitional =
        [ShareStatus.Creating, ShareStatus.CreatingFromSnapshot, ShareStatus.Deleting, ShareStatus.Extending, ShareStatus.Shrinking];

    private static readonly ShareStatus[] HoldsDataset =
        [ShareStatus.Available, ShareStatus.ExtendingError, ShareStatus.ShrinkingError, ShareStatus.ErrorDeleting];

    /// <summary>Operations queued or running, and shares, snapshots and rules in a transitional state.</summary>
    public static async Task<int> UnsettledAsync(Rig rig, CancellationToken ct)
    {
        await using var db = await rig.Db.CreateDbContextAsync(ct);
        return await db.Operations.CountAsync(o => o.State == OperationState.Queued || o.State == OperationState.Running, ct)
               + await db.Shares.CountAsync(s => Transitional.Contains(s.Status), ct)
               + await db.Snapshots.CountAsync(s => s.Status == SnapshotStatus.Creating || s.Status == SnapshotStatus.Deleting, ct)
               + await db.AccessRules.CountAsync(r => r.State == AccessRuleState.QueuedToApply || r.State == AccessRuleState.Applying
                                                     || r.State == AccessRuleState.QueuedToDeny || r.State == AccessRuleState.Denying, ct);
    }

    public static async Task<Check> CheckAsync(Rig rig, CancellationToken ct)
    {
        var findings = new List<string>();
        var pool = DrillHost.Pool;
        var mine = $"{pool}/{rig.Prefix}";
        var list = await Proc.RunAsync("/usr/sbin/zfs", "list", "-H", "-o", "name", "-t", "all", "-r", pool);
        var names = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(n => n.StartsWith(mine, StringComparison.Ordinal)).ToList();
        var datasets = names.Where(n => !n.Contains('@', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var snapshots = names.Where(n => n.Contains('@', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var get = await Proc.RunAsync("/usr/sbin/zfs", "get", "-H", "-p", "-o", "name,property,value", "refquota,mountpoint", "-r", pool);
        var props = ZfsGetParser.Parse(get.Stdout);
        var exports = ExportfsTable.Parse((await Proc.RunAsync("/usr/sbin/exportfs", "-v")).Stdout)
            .Where(e => e.Path.Contains($"/{rig.Prefix}", StringComparison.Ordinal)).ToList();

        await using var db = await rig.Db.CreateDbContextAsync(ct);
        var unsettled = await UnsettledAsync(rig, ct);
        var shares = await db.Shares.AsNoTracking().Where(s => s.ProjectId == rig.ProjectId).ToListAsync(ct);
        var snaps = await db.Snapshots.AsNoTracking().Where(s => s.ProjectId == rig.ProjectId).ToListAsync(ct);
        var rules = await db.AccessRules.AsNoTracking().ToListAsync(ct);

        var owned = shares.Where(s => s.Dataset is not null).Select(s => s.Dataset!).ToHashSet(StringComparer.Ordinal);
        var orphanDatasets = datasets.Where(d => !owned.Contains(d)).ToList();
        findings.AddRange(orphanDatasets.Select(d => $"dataset {d} has no share"));
        var snapNames = snaps.Select(s => s.ZfsName).ToHashSet(StringComparer.Ordinal);
        var orphanSnaps = snapshots.Where(s => !snapNames.Contains(s)).ToList();
        findings.AddRange(orphanSnaps.Select(s => $"snapshot {s} has no record"));

        var byMount = shares.Where(s => s.Mountpoint is not null).ToDictionary(s => s.Mountpoint!, StringComparer.Ordinal);
        var orphanExports = 0;
        foreach (var e in exports)
        {
            if (!byMount.TryGetValue(e.Path, out var share) || !datasets.Contains(share.Dataset ?? ""))
            {
                orphanExports++;
                findings.Add($"export {e.Client}:{e.Path} has no share");
            }
            else if (!rules.Any(r => r.ShareId == share.Id && r.State == AccessRuleState.Active && SameClient(r.Target, e.Client)))
            {
                orphanExports++;
                findings.Add($"export {e.Client}:{e.Path} has no active rule");
            }
        }

        var withoutDataset = shares.Where(s => HoldsDataset.Contains(s.Status) && !datasets.Contains(s.Dataset ?? "")).ToList();
        findings.AddRange(withoutDataset.Select(s => $"share {s.Name} ({s.Status}) has no dataset {s.Dataset}"));
        var snapsMissing = snaps.Where(s => s.Status == SnapshotStatus.Available && !snapshots.Contains(s.ZfsName)).ToList();
        findings.AddRange(snapsMissing.Select(s => $"snapshot {s.Name} (available) is not on the host"));

        var sizeMismatches = 0;
        foreach (var s in shares.Where(s => s.Status == ShareStatus.Available && s.Dataset is not null && props.ContainsKey(s.Dataset)))
        {
            var refquota = props[s.Dataset!].GetValueOrDefault("refquota");
            if (refquota != (s.SizeGiB * (1L << 30)).ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                sizeMismatches++;
                findings.Add($"share {s.Name}: {s.SizeGiB} GiB in the portal, refquota {refquota} on the host");
            }
        }

        // Usage is derived from the shares (ADR 5); the check is that it equals the sum made here from the rows.
        var usage = await QuotaUsage.ForProjectAsync(db, rig.ProjectId, ct);
        var sum = shares.Where(s => s.Status != ShareStatus.Rejected).Sum(s => (long)s.SizeGiB);
        var quotaMismatches = usage.Gigabytes == sum && usage.Shares == shares.Count(s => s.Status != ShareStatus.Rejected) ? 0 : 1;
        if (quotaMismatches > 0)
            findings.Add($"quota usage {usage.Gigabytes} GiB / {usage.Shares} shares, sum of the shares {sum} GiB");

        return new Check(unsettled, orphanDatasets.Count, orphanSnaps.Count, orphanExports, withoutDataset.Count, snapsMissing.Count,
            sizeMismatches, quotaMismatches, findings);
    }

    private static bool SameClient(string target, string client) =>
        target == client || target == client + "/32" || client == target + "/32" || target.Split('/')[0] == client;
}
