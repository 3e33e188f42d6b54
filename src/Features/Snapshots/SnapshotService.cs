using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Quotas;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Snapshots;

/// <summary>Create (within the snapshot quotas) and delete snapshots of a share.</summary>
public sealed class SnapshotService(OperationIntake intake)
{
    public const string NameField = "Name";
    private static readonly ShareStatus[] Snapshottable = [ShareStatus.Available];
    private static readonly SnapshotStatus[] Deletable = [SnapshotStatus.Available, SnapshotStatus.Error, SnapshotStatus.ErrorDeleting];

    public async Task<CommandResult> CreateAsync(CurrentUser user, Guid shareId, string? name, string? description, CancellationToken ct = default)
    {
        if (UserInput.ValidateName(name, "snapshot", out var nameError) is not { } validName)
            return CommandResult.Refused(NameField, nameError!);
        if (UserInput.ValidateDescription(description, out var descriptionError) is not { } validDescription)
            return CommandResult.Refused("Description", descriptionError!);

        return await intake.RunAsync(async (db, work) =>
        {
            var (share, refusal) = await ShareActions.LoadAsync(db, user, shareId, "taking a snapshot", Snapshottable, ct);
            if (share is null)
                return ShareActions.Refused(refusal!);
            if (!share.ShareType!.SnapshotSupport)
                return CommandResult.Refused($"Share type '{share.ShareType.Name}' does not support snapshots.");
            if (await db.Snapshots.AnyAsync(s => s.ShareId == share.Id && s.Name == validName, ct))
                return CommandResult.Refused(NameField, NameTaken(validName)) with { Kind = RefusalKind.Conflict };
            var usage = await QuotaUsage.ForProjectAsync(db, share.ProjectId, ct);
            if (QuotaCheck.RefuseNewSnapshot(share.Project!.Quotas, usage, share.SizeGiB) is { } over)
                return CommandResult.Refused(RefusalKind.OverQuota, over);

            var snapshot = await QueueCreateAsync(db, work, user, share, validName, validDescription, null, ct);
            return CommandResult.Done(snapshot.Id);
        }, ct, onDuplicate: NameTaken(validName));
    }

    /// <summary>
    /// Records a new snapshot (creating) of a share whose quotas were checked, and queues its operation: by hand, or for a
    /// scheduled run (<paramref name="scheduledFor"/>).
    /// </summary>
    public static async Task<Snapshot> QueueCreateAsync(PortalDbContext db, QueuedWork work, CurrentUser user, Share share, string name,
        string description, DateTime? scheduledFor, CancellationToken ct)
    {
        var snapshot = new Snapshot
        {
            ShareId = share.Id, ProjectId = share.ProjectId, Name = name, Description = description, ScheduledFor = scheduledFor,
            SizeGiB = share.SizeGiB, Status = SnapshotStatus.Creating, CreatedByUserId = user.UserId,
            CreatedAt = work.Now, UpdatedAt = work.Now,
        };
        // The ZFS name comes from ids only, fixed now so that a resumed job finds the same snapshot.
        var prefix = await db.Backends.Where(b => b.Settings.Name == share.BackendName).Select(b => b.Settings.SnapshotPrefix).SingleAsync(ct);
        snapshot.ZfsName = $"{share.Dataset}@{prefix}{snapshot.Id:N}";
        db.Snapshots.Add(snapshot);
        share.Project!.QuotaStamp = Guid.NewGuid();
        work.Queue(db, OperationKind.CreateSnapshot, share, user.UserId, CreateSnapshotHandler.PlannedSteps, snapshot.Id);
        work.Audit(db, user, "snapshot.create", $"snapshot {name} of share {share.Name}", share.ProjectId);
        return snapshot;
    }

    public Task<CommandResult> DeleteAsync(CurrentUser user, Guid snapshotId, CancellationToken ct = default) =>
        intake.RunAsync(async (db, work) =>
        {
            var snapshot = await db.Snapshots.Include(s => s.Share)
                .Where(s => db.Shares.Visible(db, user).Any(v => v.Id == s.ShareId))
                .SingleOrDefaultAsync(s => s.Id == snapshotId, ct);
            if (snapshot is null)
                return CommandResult.Refused(RefusalKind.NotFound, "This snapshot does not exist, or it belongs to a project you are not a member of.");
            if (!Deletable.Contains(snapshot.Status))
                return CommandResult.Refused(RefusalKind.Conflict, $"The snapshot is {snapshot.Status.ToManila()}; deleting can start once that has finished.");
            if (snapshot.Share!.Status is ShareStatus.Deleting)
                return CommandResult.Refused(RefusalKind.Conflict, "The share is being deleted.");
            if (snapshot.Share.Status is ShareStatus.Reverting)
                return CommandResult.Refused(RefusalKind.Conflict, "The share is being reverted to a snapshot; deleting can start once that has finished.");
            var clones = await db.Shares.Where(s => s.SourceSnapshotId == snapshot.Id && s.IsCloneOfSource).Select(s => s.Name).ToListAsync(ct);
            if (clones.Count > 0)
                return CommandResult.Refused(RefusalKind.Conflict, $"Share {string.Join(", ", clones.Select(c => $"'{c}'"))} is a clone of this snapshot and depends on it; delete that share first.");
            QueueDelete(db, work, user, snapshot);
            return CommandResult.Done(snapshot.Id);
        }, ct);

    /// <summary>Moves a snapshot (with its share loaded) to deleting and queues its operation: by hand, or pruned by a policy.</summary>
    public static void QueueDelete(PortalDbContext db, QueuedWork work, CurrentUser user, Snapshot snapshot)
    {
        snapshot.Status = SnapshotStatus.Deleting;
        snapshot.StatusMessage = null;
        snapshot.UpdatedAt = work.Now;
        work.Queue(db, OperationKind.DeleteSnapshot, snapshot.Share!, user.UserId, DeleteSnapshotHandler.PlannedSteps, snapshot.Id);
        work.Audit(db, user, "snapshot.delete", $"snapshot {snapshot.Name} of share {snapshot.Share!.Name}", snapshot.ProjectId);
    }

    private static string NameTaken(string name) => $"This share already has a snapshot named '{name}'; choose another name.";
}
