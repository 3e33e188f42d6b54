using ZfsPortal.Data;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Shares.Resize;

/// <summary>extending → available: refquota to the new size. The reserved growth is committed or released at the end.</summary>
public sealed class ExtendShareHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 1;

    public OperationKind Kind => OperationKind.ExtendShare;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var (share, host) = await shareHosts.OpenAsync(run, ct);
        var target = share.PendingSizeGiB ?? throw new InvalidOperationException("No new size was recorded.");
        await ResizeSteps.SetSizeAsync(run, host, share, target, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct) =>
        ResizeSteps.FailResizeAsync(run, "The share could not be extended", ShareStatus.ExtendingError, failure, ct);
}
