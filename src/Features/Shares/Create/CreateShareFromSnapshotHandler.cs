using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Shares.Create;

/// <summary>
/// creating_from_snapshot → available: the new dataset is placed next to its source (send/receive runs on
/// that host), made as an independent copy (or a clone when the share type asks), sized with refquota.
/// </summary>
public sealed class CreateShareFromSnapshotHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 3;

    public OperationKind Kind => OperationKind.CreateShareFromSnapshot;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var share = await run.LoadShareAsync(ct);
        var source = await run.ReadAsync(db => db.Snapshots.AsNoTracking().Include(s => s.Share)
            .SingleOrDefaultAsync(s => s.Id == share.SourceSnapshotId, ct), ct)
            ?? throw new InvalidOperationException("The source snapshot was deleted before the copy started.");
        if (share.Dataset is null)
        {
            await run.StepAsync("Place the share next to its source", async note =>
            {
                var (backend, _) = await shareHosts.OpenAsync(source.Share!, run, ct);
                var dataset = DatasetNames.ForShare(source.Share!.Pool!, backend.DatasetPrefix, share.Id);
                await run.UpdateShareAsync(s => (s.BackendName, s.Pool, s.Dataset) = (backend.Name, source.Share.Pool, dataset), ct);
                note.Detail = $"{backend.Name}, pool {source.Share.Pool}";
            }, ct);
            share = await run.LoadShareAsync(ct);
        }

        var (hostBackend, host) = await shareHosts.OpenAsync(share, run, ct);
        var dataset = share.Dataset!;
        // Two whole sentences rather than a verb in a hole: Japanese puts the verb last (Sentences.ja.resx).
        var step = share.IsCloneOfSource ? $"Clone snapshot {source.Name} into {dataset}" : $"Copy snapshot {source.Name} into {dataset}";
        await run.StepAsync(step, async note =>
        {
            var properties = DatasetProperties.ForNewShare(hostBackend, share.ShareType!.DatasetProperties, share.SizeGiB);
            // The name holds the share's id: only an earlier attempt of this operation can have made it.
            if (run.Attempt > 1 && await host.GetDatasetPropertiesAsync(dataset, ["refquota"], ct) is not null)
            {
                // An earlier attempt got as far as the receive: finish what it may have left undone.
                if (!share.IsCloneOfSource)
                    foreach (var leftover in (await host.GetSnapshotsAsync(dataset, ["used"], ct))?.Keys ?? [])
                        await host.DestroySnapshotAsync(leftover, ct);
                await host.SetPropertiesAsync(dataset, properties, ct);
                note.Detail = "Already made by an earlier attempt; its properties were set again.";
                return;
            }
            if (share.IsCloneOfSource)
                await host.CloneSnapshotAsync(source.ZfsName, dataset, properties, ct);
            else
                await host.CopyFromSnapshotAsync(source.ZfsName, dataset, properties, ct);
            note.Detail = share.IsCloneOfSource ? $"zfs clone of {source.ZfsName}" : $"zfs send {source.ZfsName} | zfs receive {dataset}";
        }, ct);

        await NewShareFinish.MakeAvailableAsync(run, host, hostBackend, dataset, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct)
    {
        var message = OperationRun.Sentence("The share could not be created from the snapshot", failure,
            "Delete this share and try again; if it fails again, ask an admin to check the backend.");
        return run.FailShareAsync(ShareStatus.Error, message, ct);
    }
}
