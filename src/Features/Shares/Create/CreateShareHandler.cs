using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Shares.Create;

/// <summary>creating → available: place, create the dataset with its refquota, read the mount point back (kept on the share).</summary>
public sealed class CreateShareHandler(Placement placement, BackendCatalog backends, IStorageHostFactory hosts) : IOperationHandler
{
    public const int PlannedSteps = 3;

    public OperationKind Kind => OperationKind.CreateShare;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var share = await run.LoadShareAsync(ct);
        if (share.Dataset is null)
        {
            var place = await run.StepAsync("Choose a backend and pool", async note =>
            {
                var result = await placement.PlaceAsync(share.SizeGiB, share.ShareType!.BackendName, run, ct);
                note.Detail = $"{result.Backend.Name}, pool {result.Pool}";
                return result;
            }, ct);
            var dataset = DatasetNames.ForShare(place.Pool, place.Backend.DatasetPrefix, share.Id);
            await run.UpdateShareAsync(s => (s.BackendName, s.Pool, s.Dataset) = (place.Backend.Name, place.Pool, dataset), ct);
            share = await run.LoadShareAsync(ct);
        }

        var backend = await backends.GetAsync(share.BackendName!, ct);
        var host = hosts.Open(backend, run);
        var datasetName = share.Dataset!;
        await run.StepAsync($"Create dataset {datasetName}", async note =>
        {
            var properties = DatasetProperties.ForNewShare(backend, share.ShareType!.DatasetProperties, share.SizeGiB);
            try
            {
                // No "exists?" read first: the name holds the share's id, so only an earlier attempt can have made it.
                await host.CreateDatasetAsync(datasetName, properties, ct);
                note.Detail = string.Join(", ", properties.Select(p => $"{p.Key}={p.Value}"));
            }
            catch (StorageHostException ex) when (ex.Failure == StorageFailure.AlreadyExists)
            {
                note.Detail = "Already exists (an earlier attempt created it); kept as it is.";
            }
        }, ct);

        await NewShareFinish.MakeAvailableAsync(run, host, backend, datasetName, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct)
    {
        // Placement's own sentence already says what to do.
        var advice = failure is OperationStepFailedException { InnerException: NoValidBackendException }
            ? ""
            : "Delete this share and request it again; if it fails again, ask an admin to check the backend (the operation's host commands are recorded).";
        return run.FailShareAsync(ShareStatus.Error, OperationRun.Sentence("The share could not be created", failure, advice).TrimEnd(), ct);
    }
}
