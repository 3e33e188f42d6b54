using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Projects;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Shares;

public sealed record ShareRow(Guid Id, string Name, string ProjectName, int SizeGiB, ShareStatus Status, string? ExportLocation, DateTime CreatedAt);

public sealed record ShareFilter(Guid? ProjectId, string? Search = null, ShareStatus? Status = null, int Page = 0, int PageSize = 500)
{
    public int Page { get; init; } = Math.Max(0, Page);
    public int PageSize { get; init; } = Math.Clamp(PageSize, 1, 500);
}

public sealed record SharesPageData(IReadOnlyList<ShareRow> Rows, int Total);

public sealed record StepView(string Name, DateTime StartedAt, int DurationMs, StepOutcome Outcome, string? Detail);

public sealed record OperationView(Guid Id, OperationKind Kind, OperationState State, int PlannedSteps, DateTime CreatedAt,
    DateTime? FinishedAt, string? Message, IReadOnlyList<StepView> Steps)
{
    /// <summary>0–100 for a progress bar: finished steps over planned ones, full when the operation ended.</summary>
    public int Percent => State is OperationState.Succeeded or OperationState.Failed ? 100
        : PlannedSteps == 0 ? 0 : Math.Min(95, 100 * Steps.Count / PlannedSteps);
}

public sealed record SnapshotView(Guid Id, string Name, string Description, int SizeGiB, long? UsedBytes, SnapshotStatus Status,
    string? StatusMessage, DateTime CreatedAt, bool Scheduled = false);

public sealed record AccessRuleView(Guid Id, string AccessType, string Target, NfsAccessLevel Level, bool RootSquash, AccessRuleState State,
    string? StateMessage);

public sealed record ShareDetail(Guid Id, string Name, string Description, Guid ProjectId, string ProjectName, Guid ShareTypeId, string ShareTypeName,
    string Protocol, int SizeGiB, int? PendingSizeGiB, ShareStatus Status, string? StatusMessage, string? ExportLocation,
    string? ServiceExportLocation, string? BackendName, string? Pool, string? Dataset, DateTime CreatedAt,
    bool SnapshotSupport, bool CreateShareFromSnapshotSupport, AccessRulesStatus AccessRulesStatus, string? SourceSnapshotName,
    IReadOnlyList<SnapshotView> Snapshots, IReadOnlyList<AccessRuleView> AccessRules, OperationView? LatestOperation)
{
    /// <summary>The export policies a new rule must pass (its type's, and its project's if it has one), each a sentence.</summary>
    public IReadOnlyList<string> ExportPolicies { get; init; } = [];
}

/// <summary>Read side of the shares pages; every query is limited to what the user may see.</summary>
public sealed class ShareQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<IReadOnlyList<ShareRow>> ListAsync(CurrentUser user, Guid? projectId, CancellationToken ct = default) =>
        (await PageAsync(user, new ShareFilter(projectId), ct)).Rows;

    /// <summary>One page of shares, filtered, sorted and counted in the database (newest first).</summary>
    public async Task<SharesPageData> PageAsync(CurrentUser user, ShareFilter filter, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var shares = db.Shares.AsNoTracking().Visible(db, user);
        if (filter.ProjectId is { } id)
            shares = shares.Where(s => s.ProjectId == id);
        if (filter.Status is { } status)
            shares = shares.Where(s => s.Status == status);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var like = SearchPattern.Contains(filter.Search);
#pragma warning disable CA1304, CA1311 // ToLower() becomes SQL lower() on both providers; no .NET culture runs
            shares = shares.Where(s => EF.Functions.Like(s.Name.ToLower(), like, SearchPattern.Escape)
                                       || (s.ExportLocation != null && EF.Functions.Like(s.ExportLocation.ToLower(), like, SearchPattern.Escape)));
#pragma warning restore CA1304, CA1311
        }
        var total = await shares.CountAsync(ct);
        var rows = await shares
            .OrderByDescending(s => s.CreatedAt).ThenBy(s => s.Id)
            .Skip(filter.Page * filter.PageSize).Take(filter.PageSize)
            .Select(s => new ShareRow(s.Id, s.Name, s.Project!.Name, s.SizeGiB, s.Status, s.ExportLocation, s.CreatedAt))
            .ToListAsync(ct);
        return new SharesPageData(rows, total);
    }

    /// <summary>Null when the share does not exist or belongs to a project the user is not in.</summary>
    public async Task<ShareDetail?> GetAsync(CurrentUser user, Guid shareId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var share = await db.Shares.Visible(db, user).AsNoTracking()
            .Include(s => s.Project).Include(s => s.ShareType)
            .SingleOrDefaultAsync(s => s.Id == shareId, ct);
        if (share is null)
            return null;
        var operation = await db.Operations.AsNoTracking()
            .Where(o => o.ShareId == shareId)
            .OrderByDescending(o => o.CreatedAt)
            .Include(o => o.Steps)
            .FirstOrDefaultAsync(ct);
        var snapshots = await db.Snapshots.AsNoTracking().Where(s => s.ShareId == shareId).OrderBy(s => s.CreatedAt)
            .Select(s => new SnapshotView(s.Id, s.Name, s.Description, s.SizeGiB, s.UsedBytes, s.Status, s.StatusMessage, s.CreatedAt, s.ScheduledFor != null))
            .ToListAsync(ct);
        var rules = await db.AccessRules.AsNoTracking().Where(r => r.ShareId == shareId).OrderBy(r => r.CreatedAt)
            .Select(r => new AccessRuleView(r.Id, r.AccessType, r.Target, r.Level, r.RootSquash, r.State, r.StateMessage))
            .ToListAsync(ct);
        var source = share.SourceSnapshotId is { } sourceId
            ? await db.Snapshots.Where(s => s.Id == sourceId).Select(s => s.Name).FirstOrDefaultAsync(ct)
            : null;
        return new ShareDetail(share.Id, share.Name, share.Description, share.ProjectId, share.Project!.Name, share.ShareTypeId, share.ShareType!.Name,
            share.Protocol, share.SizeGiB, share.PendingSizeGiB, share.Status, share.StatusMessage, share.ExportLocation,
            user.IsAdmin ? share.ServiceExportLocation : null, share.BackendName, share.Pool, share.Dataset, share.CreatedAt,
            share.ShareType.SnapshotSupport, share.ShareType.CreateShareFromSnapshotSupport, share.AccessRulesStatus, source,
            snapshots, rules, operation is null ? null : ToView(operation))
        {
            ExportPolicies = [.. AccessService.Scopes(share).Select(p => p.Kind == PolicyScope.ShareTypeKind
                ? $"Export policy of share type '{p.Name}': {ExportPolicyInput.Describe(p.Policy)}."
                : $"Export policy of project '{p.Name}': {ExportPolicyInput.Describe(p.Policy)}.")],
        };
    }

    private static OperationView ToView(Operation o) => new(o.Id, o.Kind, o.State, o.PlannedSteps, o.CreatedAt, o.FinishedAt, o.Message,
        o.Steps.OrderBy(s => s.Id).Select(s => new StepView(s.Name, s.StartedAt, s.DurationMs, s.Outcome, s.Detail)).ToList());
}
