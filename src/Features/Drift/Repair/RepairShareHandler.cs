using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Drift.Repair;

/// <summary>
/// Puts one share's host state back as its records say, after a reconcile found it differs: every step looks at the host again
/// first, so a rerun (or a repair that finds the drift gone) changes nothing. A dataset that is gone is not repairable: the share
/// goes to error with the sentence that says so. Snapshots gone from the host are marked error. A dataset left unmounted (the host's
/// ZFS service restarted) is mounted again, its pool's root first, and then exported anew. It takes turns with access rule syncs of
/// the same share (both apply the whole export set).
/// </summary>
public sealed class RepairShareHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 5;

    public OperationKind Kind => OperationKind.RepairShare;

    public bool TakesTurnsPerShare => true;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var share = await run.LoadShareAsync(ct);
        if (share.Status.IsBusy() || share.Dataset is null)
        {
            run.Note("Look at the share", StepOutcome.Skipped, $"The share is {share.Status.ToManila()}; its own operation decides.");
            await run.FinishAsync(true, null, _ => { }, ct);
            return;
        }

        var (backend, host) = await shareHosts.OpenAsync(share, run, ct);
        var typeProperties = (share.ShareType?.DatasetProperties ?? [])
            .Where(p => !DatasetProperties.Reserved.Contains(p.Key))
            .ToDictionary(p => p.Key.ToLowerInvariant(), p => p.Value, StringComparer.Ordinal);
        var props = await run.StepAsync($"Read {share.Dataset}", async note =>
        {
            var found = await host.GetDatasetPropertiesAsync(share.Dataset,
                ["mountpoint", "refquota", "mounted", "canmount", .. HardenedProperties.Values.Keys, .. typeProperties.Keys], ct);
            note.Detail = found is null ? "not on the host"
                : $"mountpoint {found["mountpoint"]}, refquota {found["refquota"]}, mounted {found.GetValueOrDefault("mounted")}";
            return found;
        }, ct);
        if (props is null)
        {
            if (!share.Status.IsError())
                await run.FailShareAsync(ShareStatus.Error, DriftScan.GoneMessage(share.Dataset, backend.Name), ct);
            else
                await run.FinishAsync(false, DriftScan.GoneMessage(share.Dataset, backend.Name), _ => { }, ct);
            return;
        }

        if (share.Status is not (ShareStatus.Available or ShareStatus.ExtendingError or ShareStatus.ShrinkingError))
        {
            run.Note("Look at the share", StepOutcome.Skipped, $"The share is {share.Status.ToManila()}: nothing the reconciler puts right.");
            await run.FinishAsync(true, null, _ => { }, ct);
            return;
        }

        await MarkGoneSnapshotsAsync(run, host, share, ct);
        var fixes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (share.Status == ShareStatus.Available && DriftScan.Bytes(props["refquota"]) != DatasetProperties.GiB(share.SizeGiB))
            fixes["refquota"] = $"{share.SizeGiB}G";
        foreach (var (key, value) in typeProperties.Concat(HardenedProperties.Values)
                     .Where(p => !string.Equals(props.GetValueOrDefault(p.Key), p.Value, StringComparison.OrdinalIgnoreCase)))
            fixes[key] = value;
        if (fixes.Count > 0)
        {
            await run.StepAsync($"Put back {string.Join(", ", fixes.Select(f => $"{f.Key}={f.Value}"))}", async _ =>
            {
                // Looked at again: an extend or shrink accepted meanwhile owns the size now.
                var now = await run.LoadShareAsync(ct);
                if (now.Status != share.Status || now.SizeGiB != share.SizeGiB)
                    fixes.Remove("refquota");
                await host.SetPropertiesAsync(share.Dataset, fixes, ct);
            }, ct);
        }

        var rules = await run.ReadAsync(db => db.AccessRules.AsNoTracking()
            .Where(r => r.ShareId == share.Id && r.State == AccessRuleState.Active).ToListAsync(ct), ct);
        var wanted = rules.Select(r => new NfsClientRule(AccessTarget.TryParse(r.Target, out _)!, r.Level, r.RootSquash)).ToList();
        var mountpoint = share.Mountpoint ?? props["mountpoint"];
        var remounted = DriftScan.Unmounted(props);
        if (remounted)
        {
            await run.StepAsync($"Mount {share.Dataset} again", async note =>
            {
                var mounts = host as IHostMounts ?? throw new InvalidOperationException("This portal's storage host cannot mount datasets.");
                note.Detail = await mounts.MountAsync(share.Dataset, ct);
            }, ct);
        }

        await run.StepAsync($"Export {share.Dataset} to its {wanted.Count} active rule(s) again", async note =>
        {
            // After a mount, exported anew from nothing: exportfs -o of each entry makes the kernel's export follow the new mount.
            await host.ApplyExportsAsync(new NfsExport(share.Dataset, mountpoint, wanted) { LastApplied = remounted ? [] : null }, ct);
            note.Detail = wanted.Count == 0 ? "no clients" : string.Join(", ", wanted.Select(c => c.Target.Canonical));
        }, ct);
        await run.FinishAsync(true, null, _ => { }, ct);
    }

    private static async Task MarkGoneSnapshotsAsync(OperationRun run, IStorageHost host, Share share, CancellationToken ct)
    {
        var records = await run.ReadAsync(db => db.Snapshots.AsNoTracking()
            .Where(s => s.ShareId == share.Id && s.Status == SnapshotStatus.Available).ToListAsync(ct), ct);
        if (records.Count == 0)
            return;
        var onHost = await run.StepAsync($"Read the snapshots of {share.Dataset}", async _ =>
            await host.GetSnapshotsAsync(share.Dataset!, ["used"], ct), ct);
        var gone = records.Where(r => onHost is not null && !onHost.ContainsKey(r.ZfsName)).Select(r => r.Id).ToList();
        if (gone.Count == 0)
            return;
        run.Note($"Mark {gone.Count} snapshot(s) gone from the host", StepOutcome.Succeeded, null);
        await run.SaveAsync(async (db, now) =>
        {
            foreach (var snapshot in await db.Snapshots.Where(s => gone.Contains(s.Id)).ToListAsync(ct))
                (snapshot.Status, snapshot.StatusMessage, snapshot.UpdatedAt) = (SnapshotStatus.Error,
                    $"The ZFS snapshot {snapshot.ZfsName} is gone from the host: it was destroyed outside the portal and cannot be " +
                    "restored. Delete this snapshot.", now);
        }, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct) =>
        // A repair that could not finish leaves the share as it was; the next reconcile tries again.
        run.FinishAsync(false, OperationRun.Sentence("The reconciler could not put the share's host state back", failure,
            "It tries again at its next pass; if this repeats, ask an admin to check the backend."), _ => { }, ct);
}
