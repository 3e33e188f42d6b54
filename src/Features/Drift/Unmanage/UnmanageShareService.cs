using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Drift.Unmanage;

/// <summary>A share an admin is about to unmanage, as the confirmation names it.</summary>
public sealed record UnmanageTarget(Guid ShareId, string Name, string Project, string? Dataset);

/// <summary>
/// Manila's <c>unmanage</c>: the portal forgets a share (its records, rules and snapshot records) and touches nothing on the host, so
/// the dataset, its data, snapshots and exports stay; the next reconcile lists the dataset as unowned, and it can be adopted again.
/// Refused while an operation is under way on the share.
/// </summary>
public sealed class UnmanageShareService(OperationIntake intake, IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>
    /// The share of <paramref name="backend"/> an admin names by its dataset, by PROJECT/NAME, or by its name alone when that is
    /// unique on the backend; otherwise the sentence that says what to type instead.
    /// </summary>
    public async Task<(UnmanageTarget? Target, string? Refusal)> FindAsync(CurrentUser admin, string backend, string? text, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return (null, "Only admins may unmanage shares.");
        var wanted = (text ?? "").Trim();
        if (wanted.Length == 0)
            return (null, "Name the share: its dataset, PROJECT/NAME, or its name.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var onBackend = db.Shares.AsNoTracking().Where(s => s.BackendName == backend);
        var slash = wanted.IndexOf('/', StringComparison.Ordinal);
        var (project, name) = slash < 0 ? ((string?)null, wanted) : (wanted[..slash], wanted[(slash + 1)..]);
        var matches = await onBackend
            .Where(s => s.Dataset == wanted || (s.Name == name && (project == null || s.Project!.Name == project)))
            .Select(s => new UnmanageTarget(s.Id, s.Name, s.Project!.Name, s.Dataset))
            .Take(2).ToListAsync(ct);
        return matches switch
        {
            [var one] => (one, null),
            [] => (null, $"No share on backend {backend} has the dataset or name '{wanted}'."),
            _ => (null, $"Several shares on backend {backend} are named '{name}'; give PROJECT/NAME or the dataset."),
        };
    }

    public Task<CommandResult> UnmanageAsync(CurrentUser admin, Guid shareId, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return Task.FromResult(CommandResult.Refused("Only admins may unmanage shares."));
        return intake.RunAsync(async (db, work) =>
        {
            var share = await db.Shares.Include(s => s.Project).SingleOrDefaultAsync(s => s.Id == shareId, ct);
            if (share is null)
                return CommandResult.Refused("That share does not exist.");
            if (share.Status.IsBusy()
                || await db.Operations.AnyAsync(o => o.ShareId == shareId && (o.State == OperationState.Queued || o.State == OperationState.Running), ct))
                return CommandResult.Refused($"Share {share.Name} has an operation under way; unmanage it when that has ended.");
            db.Snapshots.RemoveRange(await db.Snapshots.Where(s => s.ShareId == shareId).ToListAsync(ct));
            db.AccessRules.RemoveRange(await db.AccessRules.Where(r => r.ShareId == shareId).ToListAsync(ct));
            db.DriftFindings.RemoveRange(await db.DriftFindings.Where(f => f.ShareId == shareId).ToListAsync(ct));
            db.Shares.Remove(share);
            share.Project!.QuotaStamp = Guid.NewGuid();
            work.Touched(share);
            work.Audit(db, admin, "share.unmanage", $"share {share.Name} in {share.Project.Name}", share.ProjectId,
                share.Dataset is null ? "never placed" : $"{share.Dataset} stays on backend {share.BackendName}, with its data");
            return CommandResult.Done(share.Id);
        }, ct);
    }
}
