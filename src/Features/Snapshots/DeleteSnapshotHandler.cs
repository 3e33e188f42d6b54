using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Snapshots;

/// <summary>Snapshot deleting → gone: <c>zfs destroy</c> if present (a clone pins it: the host refuses, and says so).</summary>
public sealed class DeleteSnapshotHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 1;

    public OperationKind Kind => OperationKind.DeleteSnapshot;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var (share, host) = await shareHosts.OpenAsync(run, ct);
        var snapshot = await run.LoadSnapshotAsync(ct);
        await run.StepAsync($"Destroy snapshot {snapshot.ZfsName}", async note =>
        {
            if (!await host.DestroySnapshotAsync(snapshot.ZfsName, ct))
                note.Detail = "Already gone; nothing to do.";
        }, ct);
        await run.FinishAsync(true, null, async (db, _) =>
        {
            if (await db.Snapshots.SingleOrDefaultAsync(s => s.Id == snapshot.Id, ct) is { } row)
                db.Snapshots.Remove(row);
        }, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct) =>
        run.FailSnapshotAsync(SnapshotStatus.ErrorDeleting, OperationRun.Sentence("The snapshot could not be deleted", failure,
            "It is still there; try again, and if it fails again ask an admin to check the backend."), ct);
}
