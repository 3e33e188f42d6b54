using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Shares.Delete;

/// <summary>
/// deleting → gone: remove the share's exports, destroy its dataset (busy retries are the host's), drop the rows.
/// A share without access rules has exported nothing, so it goes straight to the destroy, which refuses (and
/// changes nothing) when snapshots made behind the portal's back are still there.
/// </summary>
public sealed class DeleteShareHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 2;

    public OperationKind Kind => OperationKind.DeleteShare;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var share = await run.LoadShareAsync(ct);
        if (share.Dataset is not null)
        {
            var (_, host) = await shareHosts.OpenAsync(share, run, ct);
            var dataset = share.Dataset;
            if (await run.ReadAsync(db => db.AccessRules.AnyAsync(r => r.ShareId == run.ShareId, ct), ct))
                await run.StepAsync("Remove NFS exports", async note =>
                {
                    // Snapshots made behind the portal's back would make the destroy fail after clients lost access.
                    var snapshots = await host.GetSnapshotsAsync(dataset, ["used"], ct);
                    if (snapshots is null)
                    {
                        note.Detail = "The dataset is already gone.";
                        return;
                    }
                    if (snapshots.Count > 0)
                        throw new InvalidOperationException($"The dataset still has snapshots on the host ({string.Join(", ", snapshots.Keys)}); "
                                                            + "an admin must remove them first. Clients keep their access meanwhile.");
                    await host.ApplyExportsAsync(new NfsExport(dataset, await ShareHosts.MountpointAsync(share, host, ct), []), ct);
                }, ct);
            else
                run.Note("Remove NFS exports", StepOutcome.Succeeded, "No access rules: nothing was exported.");
            await run.StepAsync($"Destroy dataset {dataset}", async note =>
            {
                if (!await host.DestroyDatasetAsync(dataset, ct))
                    note.Detail = "Already gone; nothing to do.";
            }, ct);
        }

        await run.FinishAsync(true, null, async (db, _) =>
        {
            if (await db.Shares.SingleOrDefaultAsync(s => s.Id == run.ShareId, ct) is { } row)
                db.Shares.Remove(row);
        }, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct)
    {
        var message = OperationRun.Sentence("The share could not be deleted", failure,
            "Its data is still there. Try deleting it again; if it keeps failing, ask an admin to check the backend.");
        return run.FailShareAsync(ShareStatus.ErrorDeleting, message, ct);
    }
}
