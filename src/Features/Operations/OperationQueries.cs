using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Features.Operations;

public sealed record OperationRow(Guid Id, OperationKind Kind, OperationState State, Guid ShareId, string? ShareName, string ProjectName,
    DateTime CreatedAt, DateTime? FinishedAt, int Attempts, string? Message);

public sealed record CommandRow(DateTime StartedAt, string Backend, string CommandLine, int ExitCode, int DurationMs, string Stderr);

/// <summary>Every operation and the host commands it ran: admins see all, members their projects'.</summary>
public sealed class OperationQueries(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<(IReadOnlyList<OperationRow> Rows, int Total)> PageAsync(CurrentUser user, OperationState? state, int page, int pageSize,
        CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var visibleProjects = db.Projects.Visible(db, user).Select(p => p.Id);
        var query = db.Operations.AsNoTracking().Where(o => visibleProjects.Contains(o.ProjectId));
        if (state is { } s)
            query = query.Where(o => o.State == s);
        var total = await query.CountAsync(ct);
        var rows = await query.OrderByDescending(o => o.CreatedAt).Skip(Math.Max(0, page) * pageSize).Take(pageSize)
            .Select(o => new OperationRow(o.Id, o.Kind, o.State, o.ShareId,
                db.Shares.Where(x => x.Id == o.ShareId).Select(x => x.Name).FirstOrDefault(),
                db.Projects.Where(p => p.Id == o.ProjectId).Select(p => p.Name).First(),
                o.CreatedAt, o.FinishedAt, o.Attempts, o.Message))
            .ToListAsync(ct);
        return (rows, total);
    }

    /// <summary>The host commands of one operation, if the user may see it.</summary>
    public async Task<IReadOnlyList<CommandRow>> CommandsAsync(CurrentUser user, Guid operationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var visibleProjects = db.Projects.Visible(db, user).Select(p => p.Id);
        if (!await db.Operations.AnyAsync(o => o.Id == operationId && visibleProjects.Contains(o.ProjectId), ct))
            return [];
        return await db.HostCommands.AsNoTracking().Where(c => c.OperationId == operationId).OrderBy(c => c.Id)
            .Select(c => new CommandRow(c.StartedAt, c.Backend, c.CommandLine, c.ExitCode, c.DurationMs, c.Stderr))
            .ToListAsync(ct);
    }
}
