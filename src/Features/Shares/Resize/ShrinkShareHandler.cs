using System.Globalization;
using ZfsPortal.Data;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Shares.Resize;

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
        var (share, host) = await shareHosts.OpenAsync(run, ct);
        var target = share.PendingSizeGiB ?? throw new InvalidOperationException("No new size was recorded.");
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

        await ResizeSteps.SetSizeAsync(run, host, share, target, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct) =>
        ResizeSteps.FailResizeAsync(run, "The share could not be shrunk", ShareStatus.ShrinkingError, failure, ct);

    private static string Gib(long bytes) => (bytes / (double)DatasetProperties.GiB(1)).ToString("0.##", CultureInfo.InvariantCulture);
}
