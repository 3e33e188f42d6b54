using ZfsPortal.Data;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Shares.Create;

/// <summary>The last two steps of every new share, whether created empty or from a snapshot.</summary>
public static class NewShareFinish
{
    /// <summary>Reads the new dataset's mount point, then makes the share available with it and its export locations.</summary>
    public static async Task MakeAvailableAsync(OperationRun run, IStorageHost host, BackendOptions backend, string dataset, CancellationToken ct)
    {
        var mountpoint = await run.StepAsync("Read the mount point", async note =>
        {
            var props = await host.GetDatasetPropertiesAsync(dataset, ["mountpoint"], ct)
                        ?? throw new InvalidOperationException($"Dataset {dataset} disappeared right after it was made.");
            note.Detail = props["mountpoint"];
            return props["mountpoint"];
        }, ct);

        await run.FinishAsync(succeeded: true, message: null, s =>
        {
            s.Status = ShareStatus.Available;
            s.StatusMessage = null;
            s.Mountpoint = mountpoint;
            s.ExportLocation = ExportLocations.Nfs(backend.ShareExportIp, mountpoint);
            s.ServiceExportLocation = string.IsNullOrEmpty(backend.ServiceIp) ? null : ExportLocations.Nfs(backend.ServiceIp, mountpoint);
        }, ct);
    }
}
