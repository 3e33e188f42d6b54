using ZfsPortal.Data;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Shares.Resize;

/// <summary>What extend and shrink share: the last step and the failure path.</summary>
internal static class ResizeSteps
{
    /// <summary>The step both resizes end with: the new refquota, then the share available at its new size.</summary>
    internal static async Task SetSizeAsync(OperationRun run, IStorageHost host, Share share, int target, CancellationToken ct)
    {
        await run.StepAsync($"Set refquota of {share.Dataset} to {target} GiB", async _ =>
            await host.SetPropertiesAsync(share.Dataset!, new Dictionary<string, string> { ["refquota"] = $"{target}G" }, ct), ct);
        await run.FinishAsync(true, null, s =>
        {
            (s.SizeGiB, s.PendingSizeGiB, s.Status, s.StatusMessage) = (target, null, ShareStatus.Available, null);
        }, ct);
    }

    /// <summary>A failed resize keeps the old size and releases the reserved growth.</summary>
    internal static Task FailResizeAsync(OperationRun run, string whatFailed, ShareStatus errorState, Exception failure, CancellationToken ct)
    {
        var message = OperationRun.Sentence(whatFailed, failure,
            "It keeps its old size; try again, and if it fails again ask an admin to check the backend.");
        return run.FailShareAsync(errorState, message, ct);
    }
}
