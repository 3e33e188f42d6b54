using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Operations;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Api.Portal;

/// <summary>Operations (the operations page): a page of them, and one with its steps and host commands. Members see their projects'.</summary>
public static class PortalOperations
{
    public sealed record StepView(string Name, DateTime StartedAt, int DurationMs, string Outcome, string? Detail);

    public sealed record OperationView(Guid Id, string Kind, string State, Guid ProjectId, Guid ShareId, Guid? SnapshotId, DateTime CreatedAt,
        DateTime? StartedAt, DateTime? FinishedAt, int Attempts, int PlannedSteps, string? Message, IReadOnlyList<StepView> Steps,
        IReadOnlyList<CommandRow> Commands);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/operations", async (HttpContext http, OperationQueries queries, OperationState? state, int? page, int? pageSize) =>
        {
            var (rows, total) = await queries.PageAsync(CurrentUser.From(http.User), state, page ?? 0, Math.Clamp(pageSize ?? 50, 1, 500), http.RequestAborted);
            return Results.Ok(new { total, operations = rows });
        }).WithSummary("Operations, newest first; ?state=Failed, ?page= (from 0) and ?pageSize= (1–500, default 50).");
        api.MapGet("/operations/{id:guid}", async (HttpContext http, Guid id, IDbContextFactory<PortalDbContext> dbFactory, OperationQueries queries) =>
        {
            var user = CurrentUser.From(http.User);
            await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
            var visible = db.Projects.Visible(db, user).Select(p => p.Id);
            var operation = await db.Operations.AsNoTracking().Include(o => o.Steps)
                .SingleOrDefaultAsync(o => o.Id == id && visible.Contains(o.ProjectId), http.RequestAborted);
            if (operation is null)
                return PortalApi.NotFound($"Operation {id}");
            var commands = await queries.CommandsAsync(user, id, http.RequestAborted);
            return Results.Ok(new OperationView(operation.Id, operation.Kind.ToString(), operation.State.ToString(), operation.ProjectId,
                operation.ShareId, operation.SnapshotId, operation.CreatedAt, operation.StartedAt, operation.FinishedAt, operation.Attempts,
                operation.PlannedSteps, operation.Message,
                operation.Steps.OrderBy(s => s.Id).Select(s => new StepView(s.Name, s.StartedAt, s.DurationMs, s.Outcome.ToString(), s.Detail)).ToList(),
                commands));
        }).WithSummary("One operation with its recorded steps and the host commands it ran.").Produces<OperationView>();
    }
}
