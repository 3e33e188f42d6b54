using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Snapshots;

/// <summary>
/// Snapshot creating → available: <c>zfs snapshot</c>, one command. A new snapshot holds no blocks of its own
/// (used 0); only when an earlier attempt made it already is its size read from the host.
/// </summary>
public sealed class CreateSnapshotHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 1;

    public OperationKind Kind => OperationKind.CreateSnapshot;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var (share, host) = await shareHosts.OpenAsync(run, ct);
        var snapshot = await run.LoadSnapshotAsync(ct);
        var used = await run.StepAsync($"Create snapshot {snapshot.ZfsName}", async note =>
        {
            try
            {
                await host.CreateSnapshotAsync(snapshot.ZfsName, ct);
                return 0L;
            }
            catch (StorageHostException ex) when (ex.Failure == StorageFailure.AlreadyExists)
            {
                var snapshots = await host.GetSnapshotsAsync(share.Dataset!, ["used"], ct);
                var value = snapshots?.GetValueOrDefault(snapshot.ZfsName)?.GetValueOrDefault("used");
                note.Detail = "Already exists (an earlier attempt made it); kept as it is.";
                return value is null ? (long?)null : long.Parse(value, CultureInfo.InvariantCulture);
            }
        }, ct);
        await run.FinishAsync(true, null, async (db, now) =>
        {
            var row = await db.Snapshots.SingleAsync(s => s.Id == snapshot.Id, ct);
            (row.Status, row.StatusMessage, row.UsedBytes, row.UpdatedAt) = (SnapshotStatus.Available, null, used, now);
        }, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct)
    {
        var message = OperationRun.Sentence("The snapshot could not be created", failure,
            "Delete it and try again; if it fails again, ask an admin to check the backend.");
        return run.FailSnapshotAsync(SnapshotStatus.Error, message, ct);
    }
}
