using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Access;

/// <summary>
/// Brings the host's exports of a share in line with its rules: queued_to_apply → applying → active,
/// queued_to_deny → denying → removed. The NFS helper applies the whole set each time, so a rerun changes
/// nothing; one sync per share runs at a time (see <see cref="OperationClaim"/>).
/// </summary>
public sealed class SyncAccessRulesHandler(ShareHosts shareHosts) : IOperationHandler
{
    public const int PlannedSteps = 1;

    public OperationKind Kind => OperationKind.SyncAccessRules;

    /// <summary>Each sync applies the whole rule set; an allow queued while another sync runs waits its turn.</summary>
    public bool TakesTurnsPerShare => true;

    public async Task RunAsync(OperationRun run, CancellationToken ct)
    {
        var share = await run.LoadShareAsync(ct);
        await run.SaveAsync(async (db, now) =>
        {
            foreach (var rule in await db.AccessRules.Where(r => r.ShareId == run.ShareId).ToListAsync(ct))
            {
                rule.State = rule.State switch
                {
                    AccessRuleState.QueuedToApply => AccessRuleState.Applying,
                    AccessRuleState.QueuedToDeny => AccessRuleState.Denying,
                    _ => rule.State,
                };
                rule.UpdatedAt = now;
            }
            (await db.Shares.SingleAsync(s => s.Id == run.ShareId, ct)).AccessRulesStatus = AccessRulesStatus.Syncing;
        }, ct);

        var rules = await run.ReadAsync(db => db.AccessRules.AsNoTracking().Where(r => r.ShareId == run.ShareId).ToListAsync(ct), ct);
        var wanted = rules.Where(r => r.State is AccessRuleState.Applying or AccessRuleState.Active).Select(ToClient).ToList();
        var (backend, host) = await shareHosts.OpenAsync(share, run, ct);
        await run.StepAsync($"Export {share.Dataset} to {wanted.Count} client(s) with {backend.NfsHelper}", async note =>
        {
            var mountpoint = await ShareHosts.MountpointAsync(share, host, ct);
            await host.ApplyExportsAsync(new NfsExport(share.Dataset!, mountpoint, wanted) { LastApplied = LastApplied(run, share, rules) }, ct);
            note.Detail = wanted.Count == 0 ? "no clients" : string.Join(", ", wanted.Select(c => $"{c.Target}({Options(c)})"));
        }, ct);

        await run.FinishAsync(true, null, async (db, now) =>
        {
            foreach (var rule in await db.AccessRules.Where(r => r.ShareId == run.ShareId).ToListAsync(ct))
            {
                if (rule.State == AccessRuleState.Denying)
                    db.AccessRules.Remove(rule);
                else if (rule.State == AccessRuleState.Applying)
                    (rule.State, rule.StateMessage, rule.UpdatedAt) = (AccessRuleState.Active, null, now);
            }
            await SetSummaryAsync(db, run.ShareId, ct);
        }, ct);
    }

    public Task FailAsync(OperationRun run, Exception failure, CancellationToken ct)
    {
        var message = OperationRun.Sentence("The NFS exports could not be updated", failure,
            "Remove the rule and add it again, or ask an admin to check the backend.");
        return run.FinishAsync(false, message, async (db, now) =>
        {
            foreach (var rule in await db.AccessRules
                         .Where(r => r.ShareId == run.ShareId && (r.State == AccessRuleState.Applying || r.State == AccessRuleState.Denying))
                         .ToListAsync(ct))
                (rule.State, rule.StateMessage, rule.UpdatedAt) = (AccessRuleState.Error, message, now);
            if (await db.Shares.SingleOrDefaultAsync(s => s.Id == run.ShareId, ct) is { } share)
                share.AccessRulesStatus = AccessRulesStatus.Error;
        }, ct);
    }

    /// <summary>active when every rule is settled, syncing while any waits, error when any failed.</summary>
    private static async Task SetSummaryAsync(PortalDbContext db, Guid shareId, CancellationToken ct)
    {
        var share = await db.Shares.SingleAsync(s => s.Id == shareId, ct);
        var states = db.ChangeTracker.Entries<AccessRule>()
            .Where(e => e.Entity.ShareId == shareId && e.State != EntityState.Deleted).Select(e => e.Entity.State).ToList();
        share.AccessRulesStatus = states.Any(s => s == AccessRuleState.Error) ? AccessRulesStatus.Error
            : states.Any(s => s is AccessRuleState.QueuedToApply or AccessRuleState.QueuedToDeny) ? AccessRulesStatus.Syncing
            : AccessRulesStatus.Active;
    }

    /// <summary>
    /// What the last sync left on the host: the active rules and those being denied. Unknown (so read from the host
    /// first) on a retry or after a failed sync, when the host may hold anything in between.
    /// </summary>
    private static IReadOnlyList<NfsClientRule>? LastApplied(OperationRun run, Share share, IReadOnlyList<AccessRule> rules) =>
        run.Attempt > 1 || share.AccessRulesStatus == AccessRulesStatus.Error || rules.Any(r => r.State == AccessRuleState.Error)
            ? null
            : [.. rules.Where(r => r.State is AccessRuleState.Active or AccessRuleState.Denying).Select(ToClient)];

    private static NfsClientRule ToClient(AccessRule rule) => new(
        AccessTarget.TryParse(rule.Target, out var error) ?? throw new InvalidOperationException($"Stored rule target '{rule.Target}' is invalid: {error}"),
        rule.Level,
        rule.RootSquash);

    private static string Options(NfsClientRule c) =>
        c.Level.ToManila() + (c.RootSquash ? ",root_squash" : ",no_root_squash");
}
