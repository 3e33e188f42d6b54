using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Snapshots.Revert;

/// <summary>What the confirmation names before a revert: the data written since the snapshot, or why it cannot be done.</summary>
public sealed record RevertPreview(string SnapshotName, long? WrittenBytes, string? Refusal);

/// <summary>
/// Revert a share to its latest snapshot (Manila's <c>revert</c>): available → reverting → available. The user first reads
/// what will be lost (<see cref="PreviewAsync"/>, the dataset's <c>written</c> since the snapshot), then confirms.
/// </summary>
public sealed class RevertShareService(OperationIntake intake, IDbContextFactory<PortalDbContext> dbFactory, BackendCatalog backends,
    IStorageHostFactory hosts)
{
    public const string NotConfirmed = "A revert throws away everything written since the snapshot; confirm it to go ahead.";
    private static readonly ShareStatus[] Revertible = [ShareStatus.Available];

    public async Task<RevertPreview> PreviewAsync(CurrentUser user, Guid snapshotId, CancellationToken ct = default)
    {
        Share share;
        Snapshot snapshot;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var (found, refusal) = await LoadAsync(db, user, snapshotId, ct);
            if (found is null)
                return new RevertPreview("", null, refusal);
            (share, snapshot) = (found.Share!, found);
        }
        // A read on the host, recorded like any other host command (with no operation).
        var log = new CollectedCommands();
        try
        {
            var host = hosts.Open(await backends.GetAsync(share.BackendName!, ct), log);
            return new RevertPreview(snapshot.Name, await host.GetWrittenSinceAsync(snapshot.ZfsName, ct), null);
        }
        catch (StorageHostException ex)
        {
            return new RevertPreview(snapshot.Name, null, $"What the revert would discard could not be read from the host: {ex.Message}");
        }
        finally
        {
            await log.SaveAsync(dbFactory, CancellationToken.None);
        }
    }

    public Task<CommandResult> RevertAsync(CurrentUser user, Guid snapshotId, bool confirmed, CancellationToken ct = default) =>
        !confirmed ? Task.FromResult(CommandResult.Refused(NotConfirmed)) : intake.RunAsync(async (db, work) =>
        {
            var (snapshot, refusal) = await LoadAsync(db, user, snapshotId, ct);
            if (snapshot is null)
                return Refused(refusal!);
            var share = snapshot.Share!;
            (share.Status, share.StatusMessage, share.UpdatedAt) = (ShareStatus.Reverting, null, work.Now);
            work.Queue(db, OperationKind.RevertToSnapshot, share, user.UserId, RevertToSnapshotHandler.PlannedSteps, snapshot.Id);
            work.Audit(db, user, "share.revert", $"share {share.Name} to snapshot {snapshot.Name}", share.ProjectId);
            return CommandResult.Done(share.Id);
        }, ct);

    /// <summary>Manila's revert: the snapshot must be one of <paramref name="shareId"/>'s, and the call itself confirms.</summary>
    public async Task<CommandResult> RevertAsync(CurrentUser user, Guid snapshotId, Guid shareId, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (!await db.Snapshots.AnyAsync(s => s.Id == snapshotId && s.ShareId == shareId, ct))
                return CommandResult.Refused(RefusalKind.NotFound, "This snapshot does not exist, or it is not a snapshot of this share.");
        }
        return await RevertAsync(user, snapshotId, confirmed: true, ct);
    }

    private const string NoSnapshot = "This snapshot does not exist, or it belongs to a project you are not a member of.";

    // Absent (to this user) is not found; the share's state, the snapshot's or a newer snapshot in the way is a conflict.
    private static CommandResult Refused(string refusal) =>
        refusal == NoSnapshot ? CommandResult.Refused(RefusalKind.NotFound, refusal) : ShareActions.Refused(refusal);

    // The snapshot, tracked with its share, when the user may revert the share to it now; else why not.
    private static async Task<(Snapshot? Snapshot, string? Refusal)> LoadAsync(PortalDbContext db, CurrentUser user, Guid snapshotId, CancellationToken ct)
    {
        var shareId = await db.Snapshots.Where(s => s.Id == snapshotId).Select(s => (Guid?)s.ShareId).SingleOrDefaultAsync(ct);
        if (shareId is null)
            return (null, NoSnapshot);
        var (share, refusal) = await ShareActions.LoadAsync(db, user, shareId.Value, "a revert", Revertible, ct);
        if (share is null)
            return (null, refusal);
        var snapshot = await db.Snapshots.SingleAsync(s => s.Id == snapshotId, ct);
        snapshot.Share = share;
        return await RevertRules.RefuseAsync(db, share, snapshot, ct) is { } reason ? (null, reason) : (snapshot, null);
    }

    private sealed class CollectedCommands : IHostCommandLog
    {
        private readonly List<HostCommandRecord> _records = [];

        public void Add(HostCommandRecord record)
        {
            lock (_records)
                _records.Add(record);
        }

        public async Task SaveAsync(IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct)
        {
            if (_records.Count == 0)
                return;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.HostCommands.AddRange(_records.Select(c => new HostCommandEntry
            {
                Backend = c.Backend, CommandLine = ShellQuote.Join(c.Argv), ExitCode = c.ExitCode,
                DurationMs = (int)Math.Ceiling(c.Duration.TotalMilliseconds), Stderr = c.Stderr, StartedAt = c.StartedAt.UtcDateTime,
            }));
            await db.SaveChangesAsync(ct);
        }
    }
}
