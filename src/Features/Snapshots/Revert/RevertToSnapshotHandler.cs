using ZfsPortal.Data;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Snapshots.Revert;

/// <summary>
/// reverting → available: reads what is about to be discarded (for the record), then <c>zfs rollback</c> to the snapshot.
/// Rollback restores data only: refquota (the size), sharenfs and the export table are not part of a snapshot, so access
/// rules and size stay as they are. A rerun after a crash rolls back again, which is harmless (nothing new was written to lose
/// but what a client wrote meanwhile, which the user already chose to discard).
/// </summary>
public sealed class RevertToSnapshotHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 2;

    public OperationKind Kind => OperationKind.RevertToSnapshot;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var (_, host) = await shareHosts.OpenAsync(run, ct);
        var snapshot = await run.LoadSnapshotAsync(ct);
        await run.StepAsync("Read what the revert discards", async note =>
        {
            var written = await host.GetWrittenSinceAsync(snapshot.ZfsName, ct);
            note.Detail = written is { } b ? $"{Bytes.Format(b, System.Globalization.CultureInfo.InvariantCulture)} written since {snapshot.Name}" : "The dataset is missing on the host.";
        }, ct);
        await run.StepAsync($"Roll back to snapshot {snapshot.ZfsName}", _ => host.RollbackAsync(snapshot.ZfsName, ct), ct);
        await run.FinishAsync(true, null, s => (s.Status, s.StatusMessage) = (ShareStatus.Available, null), ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct)
    {
        // zfs rollback changes everything or nothing; a host that refused (a newer snapshot made outside the portal) left the data as it was.
        var refused = failure.InnerException is StorageHostException { Failure: StorageFailure.CommandFailed } ex
                      && ex.Message.Contains("is not the latest", StringComparison.Ordinal);
        var message = OperationRun.Sentence("The share could not be reverted", failure, refused
            ? "Nothing was changed; the share is available as it was."
            : "Check the share's data; try again, and if it fails again ask an admin to check the backend.");
        return run.FailShareAsync(refused ? ShareStatus.Available : ShareStatus.RevertingError, message, ct);
    }
}
