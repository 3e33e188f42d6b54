using ZfsPortal.Data;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares.Delete;
using ZfsPortal.Features.Shares.Edit;

namespace ZfsPortal.Api.Manila;

/// <summary>/v2/shares: list, detail, show, create (also from a snapshot), update, delete, export locations.</summary>
public static class ManilaShares
{
    private static readonly HashSet<string> CreateFields =
    [
        "size", "snapshot_id", "name", "description", "display_name", "display_description", "metadata", "share_proto",
        "share_network_id", "share_type", "volume_type", "is_public", "availability_zone", "scheduler_hints", "share_group_id",
        "consistency_group_id",
    ];
    private static readonly HashSet<string> UpdateFields = ["name", "description", "display_name", "display_description", "is_public"];

    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/shares", (HttpContext http, ActingProject acting, ManilaReads reads, CancellationToken ct) =>
            ListAsync(http, acting, reads, detail: false, ct));
        v2.MapGet("/shares/detail", (HttpContext http, ActingProject acting, ManilaReads reads, CancellationToken ct) =>
            ListAsync(http, acting, reads, detail: true, ct));
        v2.MapGet("/shares/{id}", async (string id, HttpContext http, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var share = Guid.TryParse(id, out var shareId) ? await reads.ShareAsync(request, shareId, ct) : null;
            return share is null ? NotFound(id) : Results.Json(new { share = ShareViews.Detail(request, share) });
        });
        v2.MapPost("/shares", CreateAsync);
        v2.MapPut("/shares/{id}", UpdateAsync);
        v2.MapDelete("/shares/{id}", async (string id, HttpContext http, DeleteShareService delete, CancellationToken ct) =>
        {
            if (!Guid.TryParse(id, out var shareId))
                return NotFound(id);
            var result = await delete.DeleteAsync(ManilaRequest.Of(http).User, shareId, ct);
            return result.Succeeded ? Results.Accepted() : ManilaErrors.Refusal(result);
        });
        v2.MapGet("/shares/{id}/export_locations", async (string id, HttpContext http, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var share = Guid.TryParse(id, out var shareId) ? await reads.ShareAsync(request, shareId, ct) : null;
            if (share is null)
                return NotFound(id);
            return Results.Json(new
            {
                export_locations = ShareViews.ExportLocations(request, share).Select(e => ShareViews.ExportLocationView(request, e, detail: false)),
            });
        });
        v2.MapGet("/shares/{id}/export_locations/{locationId}", async (string id, string locationId, HttpContext http, ManilaReads reads,
            CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var share = Guid.TryParse(id, out var shareId) ? await reads.ShareAsync(request, shareId, ct) : null;
            var location = share is null ? null : ShareViews.ExportLocations(request, share).FirstOrDefault(e => e.Id.ToString() == locationId);
            return location is null
                ? ManilaErrors.NotFound($"Export location {locationId} could not be found.")
                : Results.Json(new { export_location = ShareViews.ExportLocationView(request, location, detail: true) });
        });
    }

    public static IResult NotFound(string id) => ManilaErrors.NotFound($"Share {Clip(id)} could not be found.");

    /// <summary>
    /// A tenant lists the project it acts in; <c>all_tenants</c> widens the list only for admins and is ignored for
    /// tenants, as Manila does (the client sends it to resolve a name). Nothing here is soft-deleted or public.
    /// </summary>
    private static async Task<IResult> ListAsync(HttpContext http, ActingProject acting, ManilaReads reads, bool detail, CancellationToken ct)
    {
        var request = ManilaRequest.Of(http);
        var query = http.Request.Query;
        Guid? projectId = null;
        if (!(request.User.IsAdmin && IsTrue(query["all_tenants"])))
        {
            var (project, error) = await acting.ResolveAsync(http, request, ct);
            if (project is null)
                return error!;
            projectId = project.Id;
        }
        var shares = IsTrue(query["is_soft_deleted"]) ? [] : await reads.SharesAsync(request, projectId, ct);
        if (query["name"].ToString() is { Length: > 0 } name)
            shares = shares.Where(s => s.Name == name).ToList();
        if (query["status"].ToString() is { Length: > 0 } status)
            shares = shares.Where(s => s.Status.ToManila() == status).ToList();
        if (query["share_type_id"].ToString() is { Length: > 0 } typeId)
            shares = shares.Where(s => s.ShareTypeId.ToString() == typeId).ToList();
        var (page, pageError) = ManilaPaging.Apply(http.Request, shares, s => s.Id.ToString());
        if (page is null)
            return pageError!;
        return Results.Json(new { shares = page.Select(s => detail ? ShareViews.Detail(request, s) : ShareViews.Summary(request, s)) });
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ActingProject acting, ManilaReads reads, CreateShareService create,
        CancellationToken ct)
    {
        var request = ManilaRequest.Of(http);
        var (body, error) = await ManilaBody.ReadAsync(http.Request, "share", CreateFields);
        if (body is null)
            return error!;
        if (!string.Equals(body.Text("share_proto"), "NFS", StringComparison.OrdinalIgnoreCase))
            return ManilaErrors.BadRequest($"Invalid share protocol provided: {body.Text("share_proto") ?? "none"}. The portal serves NFS only.");
        if (body.Has("share_network_id") || body.Has("share_group_id") || body.Has("consistency_group_id"))
            return ManilaErrors.BadRequest("Share networks and share groups are not supported: this portal's backends do not handle share servers.");
        if (body.Bool("is_public", out var badPublic) == true || badPublic)
            return ManilaErrors.BadRequest("Public shares are not supported; leave is_public false.");
        if (body.Text("availability_zone") is { } zone && zone != ShareViews.AvailabilityZone)
            return ManilaErrors.BadRequest($"Availability zone {zone} could not be found; the only one is {ShareViews.AvailabilityZone}.");
        if (body.Member("metadata") is { } metadata && metadata.EnumerateObject().Any())
            return ManilaErrors.BadRequest("Share metadata is not supported; send none.");
        var size = body.Text("size");
        if (size is null)
            return ManilaErrors.BadRequest("Share size must be specified.");

        Guid? snapshotId = null;
        Share? source = null;
        if (body.Text("snapshot_id") is { } snapshotText)
        {
            var snapshot = Guid.TryParse(snapshotText, out var sid) ? (await reads.SnapshotsAsync(request, null, sid, ct)).SingleOrDefault() : null;
            if (snapshot is null)
                return ManilaErrors.NotFound($"Snapshot {snapshotText} could not be found.");
            (snapshotId, source) = (snapshot.Id, await reads.ShareAsync(request, snapshot.ShareId, ct));
        }
        // A share from a snapshot goes to the snapshot's project unless the request names one.
        var projectId = source is not null && request.UrlProject is null && !http.Request.Headers.ContainsKey(ActingProject.Header)
            ? source.ProjectId : (Guid?)null;
        if (projectId is null)
        {
            var (project, projectError) = await acting.ResolveAsync(http, request, ct);
            if (project is null)
                return projectError!;
            projectId = project.Id;
        }
        var types = await reads.TypesAsync(request, projectId, ct);
        var typeText = body.Text("share_type", "volume_type");
        var type = typeText is null
            ? (source is not null ? types.FirstOrDefault(t => t.Id == source.ShareTypeId) : types.FirstOrDefault(t => t.IsDefault && !t.IsRetired))
            : types.FirstOrDefault(t => t.Id.ToString() == typeText || t.Name == typeText);
        if (type is null)
            return ManilaErrors.NotFound($"Share type {typeText ?? "(default)"} could not be found.");

        var name = body.Text("name", "display_name") ?? $"share-{Guid.NewGuid().ToString("N")[..8]}";
        var result = await create.CreateAsync(request.User,
            new CreateShareRequest(projectId.Value, type.Id, name, body.Text("description", "display_description"), size, snapshotId), ct);
        if (!result.Succeeded)
            return ManilaErrors.Refusal(result);
        var share = await reads.ShareAsync(request, result.Id!.Value, ct);
        return Results.Json(new { share = ShareViews.Detail(request, share!) }, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, ManilaReads reads, EditShareService edit, CancellationToken ct)
    {
        var request = ManilaRequest.Of(http);
        if (!Guid.TryParse(id, out var shareId) || await reads.ShareAsync(request, shareId, ct) is null)
            return NotFound(id);
        var (body, error) = await ManilaBody.ReadAsync(http.Request, "share", UpdateFields);
        if (body is null)
            return error!;
        if (body.Bool("is_public", out var badPublic) == true || badPublic)
            return ManilaErrors.BadRequest("Public shares are not supported; leave is_public false.");
        var result = await edit.EditAsync(request.User, shareId, body.Text("name", "display_name"), body.Text("description", "display_description"), ct);
        if (!result.Succeeded)
            return ManilaErrors.Refusal(result);
        return Results.Json(new { share = ShareViews.Detail(request, (await reads.ShareAsync(request, shareId, ct))!) });
    }

    public static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString() is { Length: > 0 } text && (text == "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase) || text.Equals("yes", StringComparison.OrdinalIgnoreCase));

    public static string Clip(string text) => text.Length <= 40 ? text : text[..40];
}
