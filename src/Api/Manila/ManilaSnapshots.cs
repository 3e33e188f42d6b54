using ZfsPortal.Features.Snapshots;

namespace ZfsPortal.Api.Manila;

/// <summary>/v2/snapshots: create, list, detail, show, delete.</summary>
public static class ManilaSnapshots
{
    private static readonly HashSet<string> CreateFields =
        ["share_id", "force", "name", "description", "display_name", "display_description", "metadata"];

    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/snapshots", (HttpContext http, ActingProject acting, ManilaReads reads, CancellationToken ct) => ListAsync(http, acting, reads, false, ct));
        v2.MapGet("/snapshots/detail", (HttpContext http, ActingProject acting, ManilaReads reads, CancellationToken ct) => ListAsync(http, acting, reads, true, ct));
        v2.MapGet("/snapshots/{id}", async (string id, HttpContext http, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var snapshot = Guid.TryParse(id, out var sid) ? (await reads.SnapshotsAsync(request, null, sid, ct)).SingleOrDefault() : null;
            return snapshot is null ? NotFound(id) : Results.Json(new { snapshot = AccessAndSnapshotViews.Snapshot(request, snapshot) });
        });
        v2.MapPost("/snapshots", async (HttpContext http, ManilaReads reads, SnapshotService snapshots, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var (body, error) = await ManilaBody.ReadAsync(http.Request, "snapshot", CreateFields);
            if (body is null)
                return error!;
            if (body.Member("metadata") is { } metadata && metadata.EnumerateObject().Any())
                return ManilaErrors.BadRequest("Snapshot metadata is not supported; send none.");
            var shareText = body.Text("share_id");
            if (shareText is null || !Guid.TryParse(shareText, out var shareId) || await reads.ShareAsync(request, shareId, ct) is null)
                return ManilaShares.NotFound(shareText ?? "");
            var name = body.Text("name", "display_name") ?? $"snapshot-{Guid.NewGuid().ToString("N")[..8]}";
            var result = await snapshots.CreateAsync(request.User, shareId, name, body.Text("description", "display_description"), ct);
            if (!result.Succeeded)
                return ManilaErrors.Refusal(result);
            var created = (await reads.SnapshotsAsync(request, null, result.Id, ct)).Single();
            return Results.Json(new { snapshot = AccessAndSnapshotViews.Snapshot(request, created) }, statusCode: StatusCodes.Status202Accepted);
        });
        v2.MapDelete("/snapshots/{id}", async (string id, HttpContext http, ManilaReads reads, SnapshotService snapshots, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            if (!Guid.TryParse(id, out var sid) || (await reads.SnapshotsAsync(request, null, sid, ct)).Count == 0)
                return NotFound(id);
            var result = await snapshots.DeleteAsync(request.User, sid, ct);
            return result.Succeeded ? Results.Accepted() : ManilaErrors.Refusal(result);
        });
    }

    private static IResult NotFound(string id) => ManilaErrors.NotFound($"Snapshot {ManilaShares.Clip(id)} could not be found.");

    private static async Task<IResult> ListAsync(HttpContext http, ActingProject acting, ManilaReads reads, bool detail, CancellationToken ct)
    {
        var request = ManilaRequest.Of(http);
        var query = http.Request.Query;
        Guid? projectId = null;
        if (!(request.User.IsAdmin && ManilaShares.IsTrue(query["all_tenants"])))
        {
            var (project, error) = await acting.ResolveAsync(http, request, ct);
            if (project is null)
                return error!;
            projectId = project.Id;
        }
        var snapshots = await reads.SnapshotsAsync(request, projectId, null, ct);
        if (query["share_id"].ToString() is { Length: > 0 } shareId)
            snapshots = snapshots.Where(s => s.ShareId.ToString() == shareId).ToList();
        if (query["name"].ToString() is { Length: > 0 } name)
            snapshots = snapshots.Where(s => s.Name == name).ToList();
        var (page, pageError) = ManilaPaging.Apply(http.Request, snapshots, s => s.Id.ToString());
        if (page is null)
            return pageError!;
        return Results.Json(new
        {
            snapshots = page.Select(s => detail ? AccessAndSnapshotViews.Snapshot(request, s) : AccessAndSnapshotViews.SnapshotSummary(request, s)),
        });
    }
}
