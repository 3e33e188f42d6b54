using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Features.Audit;

public sealed record AuditRow(DateTime At, string UserName, bool ByAdmin, string Action, string Target, string? Detail);

public sealed record AuditPage(IReadOnlyList<AuditRow> Rows, int Total);

/// <summary>The audit log, newest first, paged and filtered in the database; admins only.</summary>
public sealed class AuditQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<AuditPage> PageAsync(CurrentUser admin, string? search, bool adminsOnly, int page, int pageSize, CancellationToken ct = default)
    {
        if (!admin.IsAdmin)
            return new AuditPage([], 0);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Audit.AsNoTracking();
        if (adminsOnly)
            query = query.Where(a => a.ByAdmin);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var like = SearchPattern.Contains(search);
#pragma warning disable CA1304, CA1311 // ToLower() becomes SQL lower() on both providers; no .NET culture runs
            query = query.Where(a => EF.Functions.Like(a.UserName.ToLower(), like, SearchPattern.Escape)
                                     || EF.Functions.Like(a.Action.ToLower(), like, SearchPattern.Escape)
                                     || EF.Functions.Like(a.Target.ToLower(), like, SearchPattern.Escape)
                                     || (a.Detail != null && EF.Functions.Like(a.Detail.ToLower(), like, SearchPattern.Escape)));
#pragma warning restore CA1304, CA1311
        }
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(a => a.Id).Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(a => new AuditRow(a.At, a.UserName, a.ByAdmin, a.Action, a.Target, a.Detail)).ToListAsync(ct);
        return new AuditPage(rows, total);
    }
}
