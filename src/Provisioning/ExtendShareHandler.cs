using System.Globalization;
using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Provisioning;

/// <summary>extending → available: refquota to the new size. The reserved growth is committed or released at the end.</summary>
public sealed class ExtendShareHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 1;

    public OperationKind Kind => OperationKind.ExtendShare;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var share = await run.LoadShareAsync(ct);
        var target = share.PendingSizeGiB ?? throw new InvalidOperationException("No new size was recorded.");
        var (_, host) = await shareHosts.OpenAsync(share, run, ct);
        await SetSizeAsync(run, host, share, target, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct) =>
        FailResizeAsync(run, "extended", ShareStatus.ExtendingError, failure, ct);

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
    internal static Task FailResizeAsync(OperationRun run, string done, ShareStatus errorState, Exception failure, CancellationToken ct)
    {
        var message = $"The share could not be {done}: {failure.Message.TrimEnd('.')}. It keeps its old size; "
                      + "try again, and if it fails again ask an admin to check the backend.";
        return run.FinishAsync(false, message, s => (s.Status, s.StatusMessage, s.PendingSizeGiB) = (errorState, message, null), ct);
    }
}

/// <summary>
/// shrinking → available: first checks that the data fits (refquota limits what the dataset itself
/// references), and refuses with the numbers before anything changes; then sets the smaller refquota.
/// </summary>
public sealed class ShrinkShareHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 2;

    public OperationKind Kind => OperationKind.ShrinkShare;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var share = await run.LoadShareAsync(ct);
        var target = share.PendingSizeGiB ?? throw new InvalidOperationException("No new size was recorded.");
        var (_, host) = await shareHosts.OpenAsync(share, run, ct);
        var referenced = await run.StepAsync("Check that the data fits", async note =>
        {
            var props = await host.GetDatasetPropertiesAsync(share.Dataset!, ["referenced"], ct)
                        ?? throw new InvalidOperationException($"Dataset {share.Dataset} is missing on the host.");
            var bytes = long.Parse(props["referenced"], CultureInfo.InvariantCulture);
            note.Detail = $"{Gib(bytes)} GiB of data; new size {target} GiB";
            return bytes;
        }, ct);

        if (referenced > DatasetProperties.GiB(target))
        {
            var needed = (int)Math.Ceiling(referenced / (double)DatasetProperties.GiB(1));
            run.Note($"Refuse: {Gib(referenced)} GiB of data does not fit in {target} GiB", StepOutcome.Failed,
                "Nothing was changed on the host.");
            var refusal = $"Shrinking to {target} GiB was refused: the share holds {Gib(referenced)} GiB of data, more than {target} GiB. "
                          + $"Delete data first, or choose at least {needed} GiB. Nothing was changed.";
            await run.FinishAsync(false, refusal, s =>
            {
                (s.Status, s.StatusMessage, s.PendingSizeGiB) = (ShareStatus.Available, refusal, null);
            }, ct);
            return;
        }

        await ExtendShareHandler.SetSizeAsync(run, host, share, target, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct) =>
        ExtendShareHandler.FailResizeAsync(run, "shrunk", ShareStatus.ShrinkingError, failure, ct);

    private static string Gib(long bytes) => (bytes / (double)DatasetProperties.GiB(1)).ToString("0.##", CultureInfo.InvariantCulture);
}
