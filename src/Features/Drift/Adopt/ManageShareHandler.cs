using ZfsPortal.Data;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Drift.Adopt;

/// <summary>
/// Takes an existing dataset over as the share an admin adopted it as: the size becomes its refquota, the share type's properties are
/// set, the exports the host serves for it become the share's access rules (and go into the exports file), then the share is
/// available like one the portal made. Each step reads before it acts, so a rerun changes nothing more.
/// </summary>
public sealed class ManageShareHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 5;

    public OperationKind Kind => OperationKind.ManageShare;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var share = await run.LoadShareAsync(ct);
        var (backend, host) = await shareHosts.OpenAsync(share, run, ct);
        var dataset = share.Dataset!;
        var props = await run.StepAsync($"Read {dataset}", async note =>
        {
            var found = await host.GetDatasetPropertiesAsync(dataset, ["mountpoint", "refquota", "used"], ct)
                        ?? throw new InvalidOperationException($"Dataset {dataset} is not on the host any more.");
            note.Detail = $"mountpoint {found["mountpoint"]}, refquota {found["refquota"]}, used {found["used"]}";
            return found;
        }, ct);
        var properties = DatasetProperties.ForNewShare(new BackendOptions(), share.ShareType?.DatasetProperties ?? [], share.SizeGiB);
        await run.StepAsync($"Set refquota={share.SizeGiB}G and the share type's properties", async note =>
        {
            await host.SetPropertiesAsync(dataset, properties, ct);
            note.Detail = string.Join(", ", properties.Select(p => $"{p.Key}={p.Value}"));
        }, ct);
        var mountpoint = props["mountpoint"];
        var rules = await run.StepAsync($"Take over the exports of {mountpoint}", async note =>
        {
            var found = await host.ReadExportsAsync(mountpoint, ct);
            note.Detail = found.Count == 0 ? "none" : string.Join(", ", found.Select(r => $"{r.Target}({NfsExportOptions.Describe(r)})"));
            return found;
        }, ct);
        await run.SaveAsync((db, now) =>
        {
            foreach (var rule in rules.Where(r => !db.AccessRules.Any(a => a.ShareId == share.Id && a.Target == r.Target.Canonical)))
                db.AccessRules.Add(new AccessRule
                {
                    ShareId = share.Id, Target = rule.Target.Canonical, Level = rule.Level, RootSquash = rule.RootSquash,
                    State = AccessRuleState.Active, CreatedByUserId = share.CreatedByUserId, CreatedAt = now, UpdatedAt = now,
                });
            return Task.CompletedTask;
        }, ct);
        await run.StepAsync("Keep the exports for reboots", async _ =>
            await host.ApplyExportsAsync(new NfsExport(dataset, mountpoint, rules), ct), ct);
        await NewShareFinish.MakeAvailableAsync(run, host, backend, dataset, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct) =>
        run.FailShareAsync(ShareStatus.Error, OperationRun.Sentence("The dataset could not be adopted", failure,
            "The dataset and its data are untouched beyond the step that failed. Unmanage this share, check the dataset on the host, and adopt it again."), ct);
}
