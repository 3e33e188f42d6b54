using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Features.Usage;

/// <summary>One sample of a history as the pages read it.</summary>
public readonly record struct UsageReading(DateTime At, long UsedBytes, long SizeBytes);

/// <summary>The latest reading of a share or project, with its flag.</summary>
public sealed record UsageNow(DateTime At, long UsedBytes, long SizeBytes)
{
    public double Fraction => UsageLevels.Fraction(UsedBytes, SizeBytes);
    public UsageLevel Level => UsageLevels.Of(Fraction);
}

public sealed record ShareUsageView(Guid ShareId, IReadOnlyList<UsageReading> History, UsageNow? Latest, UsageForecast Forecast);

/// <param name="QuotaBytes">The project's gigabytes quota in bytes; null when unlimited.</param>
/// <param name="QuotaForecast">When the share sizes reach the quota; null when unlimited.</param>
public sealed record ProjectUsageView(Guid ProjectId, IReadOnlyList<UsageReading> History, UsageNow? Latest, long? QuotaBytes,
    UsageForecast DataForecast, UsageForecast? QuotaForecast);

public sealed record FullShareRow(Guid ShareId, string Name, string ProjectName, long UsedBytes, long SizeBytes)
{
    public double Fraction => UsageLevels.Fraction(UsedBytes, SizeBytes);
    public UsageLevel Level => UsageLevels.Of(Fraction);
}

/// <summary>Usage history and forecasts, limited to what the user may see (admins see all).</summary>
public sealed class UsageQueries(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider time)
{
    /// <summary>Null when the share does not exist or the user may not see it.</summary>
    public async Task<ShareUsageView?> ShareAsync(CurrentUser user, Guid shareId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Shares.Visible(db, user).AnyAsync(s => s.Id == shareId, ct))
            return null;
        var history = await HistoryAsync(db, UsageSubject.Share, shareId, ct);
        var latest = Latest(history);
        var forecast = UsageForecast.From([.. history.Select(h => new UsagePoint(h.At, h.UsedBytes))], latest?.SizeBytes ?? 0, Now);
        return new ShareUsageView(shareId, history, latest, forecast);
    }

    /// <summary>Null when the project does not exist or the user is not a member (and not an admin).</summary>
    public async Task<ProjectUsageView?> ProjectAsync(CurrentUser user, Guid projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.Visible(db, user).AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null)
            return null;
        var history = await HistoryAsync(db, UsageSubject.Project, projectId, ct);
        var latest = Latest(history);
        long? quota = project.Quotas.Gigabytes == QuotaLimits.Unlimited ? null : (long)project.Quotas.Gigabytes << 30;
        var data = UsageForecast.From([.. history.Select(h => new UsagePoint(h.At, h.UsedBytes))], latest?.SizeBytes ?? 0, Now);
        var allocation = quota is { } q ? UsageForecast.From([.. history.Select(h => new UsagePoint(h.At, h.SizeBytes))], q, Now) : null;
        return new ProjectUsageView(projectId, history, latest, quota, data, allocation);
    }

    /// <summary>The latest reading of each of the given shares that has one.</summary>
    public async Task<IReadOnlyDictionary<Guid, UsageNow>> LatestForSharesAsync(IReadOnlyCollection<Guid> shareIds, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LatestAsync(db, UsageSubject.Share, shareIds, ct);
    }

    /// <summary>For admins: the shares with the highest used-to-size share at their latest reading, fullest first.</summary>
    public async Task<IReadOnlyList<FullShareRow>> FullestSharesAsync(CurrentUser user, int count, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (!user.IsAdmin)
            return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var latest = await LatestAsync(db, UsageSubject.Share, null, ct);
        var ids = latest.Keys.ToList();
        var names = await db.Shares.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new { s.Id, s.Name, Project = s.Project!.Name }).ToListAsync(ct);
        return [.. names.Select(s => new FullShareRow(s.Id, s.Name, s.Project, latest[s.Id].UsedBytes, latest[s.Id].SizeBytes))
            .OrderByDescending(r => r.Fraction).ThenBy(r => r.Name, StringComparer.Ordinal).Take(count)];
    }

    /// <summary>The latest sample of each subject of a kind (of the given ids, or all when null), in one query.</summary>
    internal static async Task<Dictionary<Guid, UsageNow>> LatestAsync(PortalDbContext db, UsageSubject subject, IReadOnlyCollection<Guid>? ids,
        CancellationToken ct)
    {
        if (ids is { Count: 0 })
            return [];
        var samples = db.UsageSamples.AsNoTracking().Where(u => u.Subject == subject);
        if (ids is not null)
            samples = samples.Where(u => ids.Contains(u.SubjectId));
        var newest = samples.GroupBy(u => u.SubjectId).Select(g => new { SubjectId = g.Key, At = g.Max(u => u.At) });
        var rows = await samples.Join(newest, u => new { u.SubjectId, u.At }, n => new { n.SubjectId, n.At }, (u, _) => u).ToListAsync(ct);
        return rows.GroupBy(u => u.SubjectId).ToDictionary(g => g.Key, g => g.Select(u => new UsageNow(u.At, u.UsedBytes, u.SizeBytes)).First());
    }

    private static async Task<IReadOnlyList<UsageReading>> HistoryAsync(PortalDbContext db, UsageSubject subject, Guid id, CancellationToken ct) =>
        await db.UsageSamples.AsNoTracking().Where(u => u.Subject == subject && u.SubjectId == id).OrderBy(u => u.At)
            .Select(u => new UsageReading(u.At, u.UsedBytes, u.SizeBytes)).ToListAsync(ct);

    private static UsageNow? Latest(IReadOnlyList<UsageReading> history) =>
        history.Count == 0 ? null : new UsageNow(history[^1].At, history[^1].UsedBytes, history[^1].SizeBytes);

    private DateTime Now => time.GetUtcNow().UtcDateTime;
}
