using ZfsPortal.Data;

namespace ZfsPortal.Api.Manila;

/// <summary>
/// /v2/messages (manila/api/views/messages.py): each failed operation is one message, its sentence the user_message
/// (the same one the share page shows). Manila's action ids name what was being done; detail 001 is "unexpected".
/// </summary>
public static class ManilaMessages
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/messages", async (HttpContext http, ActingProject acting, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            Guid? projectId = null;
            if (!(request.User.IsAdmin && ManilaShares.IsTrue(http.Request.Query["all_tenants"])))
            {
                var (project, error) = await acting.ResolveAsync(http, request, ct);
                if (project is null)
                    return error!;
                projectId = project.Id;
            }
            var messages = (await reads.FailuresAsync(request, projectId, ct)).Select(o => View(request, o));
            if (http.Request.Query["resource_id"].ToString() is { Length: > 0 } resource)
                messages = messages.Where(m => m["resource_id"]?.ToString() == resource);
            var (page, pageError) = ManilaPaging.Apply(http.Request, messages, m => m["id"]?.ToString() ?? "");
            return page is null ? pageError! : Results.Json(new { messages = page });
        });
        v2.MapGet("/messages/{id}", async (string id, HttpContext http, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var failure = Guid.TryParse(id, out var operationId)
                ? (await reads.FailuresAsync(request, null, ct)).FirstOrDefault(o => o.Id == operationId) : null;
            return failure is null
                ? ManilaErrors.NotFound($"Message {ManilaShares.Clip(id)} could not be found.")
                : Results.Json(new { message = View(request, failure) });
        });
    }

    private static Dictionary<string, object?> View(ManilaRequest request, Operation o)
    {
        var onSnapshot = o.SnapshotId is not null && o.Kind is OperationKind.CreateSnapshot or OperationKind.DeleteSnapshot;
        var at = o.FinishedAt ?? o.CreatedAt;
        return new()
        {
            ["id"] = o.Id, ["project_id"] = o.ProjectId, ["action_id"] = ActionId(o.Kind), ["detail_id"] = "001", ["message_level"] = "ERROR",
            ["created_at"] = ManilaRequest.Time(at), ["expires_at"] = ManilaRequest.Time(at + Lifetime), ["request_id"] = $"req-{o.Id}",
            ["links"] = request.Links("messages", o.Id), ["resource_type"] = onSnapshot ? "SHARE_SNAPSHOT" : "SHARE",
            ["resource_id"] = onSnapshot ? o.SnapshotId : o.ShareId, ["user_message"] = $"{ActionName(o.Kind)}: {o.Message}",
        };
    }

    /// <summary>manila/message/message_field.py's action ids.</summary>
    private static string ActionId(OperationKind kind) => kind switch
    {
        OperationKind.CreateShare or OperationKind.CreateShareFromSnapshot or OperationKind.CreateSnapshot => "002",
        OperationKind.DeleteShare or OperationKind.DeleteSnapshot => "007",
        OperationKind.ExtendShare => "008",
        OperationKind.ShrinkShare => "009",
        OperationKind.SyncAccessRules => "010",
        _ => "005",
    };

    private static string ActionName(OperationKind kind) => kind switch
    {
        OperationKind.CreateShare or OperationKind.CreateShareFromSnapshot => "create",
        OperationKind.DeleteShare => "delete",
        OperationKind.ExtendShare => "extend",
        OperationKind.ShrinkShare => "shrink",
        OperationKind.SyncAccessRules => "update access rules",
        OperationKind.CreateSnapshot => "create snapshot",
        OperationKind.DeleteSnapshot => "delete snapshot",
        _ => "update",
    };
}
