using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;

namespace ZfsPortal.Features.Drift;

public sealed record DriftBackendView(string Name, BackendHealth Health, ReconcileRun? Last, ReconcileRun? LastDry, IReadOnlyList<DriftFindingView> Findings);

public sealed record DriftFindingView(long Id, DriftKind Kind, string Message, Guid? ShareId, string? ShareName, string? Dataset, long? SizeBytes, DateTime FirstFoundAt);

public sealed record AdoptChoice(Guid Id, string Name);

/// <summary>What the Drift page shows: per backend, the last pass and the last dry run, and the open findings (admins only).</summary>
public sealed class DriftQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<IReadOnlyList<DriftBackendView>> ListAsync(CurrentUser admin, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var backends = await db.Backends.AsNoTracking().OrderBy(b => b.Settings.Name).Select(b => new { b.Settings.Name, b.Health }).ToListAsync(ct);
        var findings = await db.DriftFindings.AsNoTracking().OrderBy(f => f.Kind).ThenBy(f => f.Dataset).ToListAsync(ct);
        var shareIds = findings.Where(f => f.ShareId != null).Select(f => f.ShareId!.Value).Distinct().ToList();
        var names = await db.Shares.AsNoTracking().Where(s => shareIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var views = new List<DriftBackendView>();
        foreach (var b in backends)
        {
            var runs = db.ReconcileRuns.AsNoTracking().Where(r => r.BackendName == b.Name).OrderByDescending(r => r.StartedAt);
            views.Add(new DriftBackendView(b.Name, b.Health,
                await runs.FirstOrDefaultAsync(r => !r.DryRun, ct),
                await runs.FirstOrDefaultAsync(r => r.DryRun, ct),
                [.. findings.Where(f => f.BackendName == b.Name).Select(f => new DriftFindingView(f.Id, f.Kind, f.Message, f.ShareId,
                    f.ShareId is { } id ? names.GetValueOrDefault(id) : null, f.Dataset, f.SizeBytes, f.FirstFoundAt))]));
        }

        return views;
    }

    public async Task<(IReadOnlyList<AdoptChoice> Projects, IReadOnlyList<AdoptChoice> Types)> AdoptChoicesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var projects = await db.Projects.AsNoTracking().OrderBy(p => p.Name).Select(p => new AdoptChoice(p.Id, p.Name)).ToListAsync(ct);
        var types = await db.ShareTypes.AsNoTracking().Where(t => !t.IsRetired).OrderBy(t => t.Name).Select(t => new AdoptChoice(t.Id, t.Name)).ToListAsync(ct);
        return (projects, types);
    }
}
