using System.Text.Json;
using ZfsPortal.Data;
using ZfsPortal.Features.ShareTypes;

namespace ZfsPortal.Api.Manila;

/// <summary>/v2/types and their extra specs (manila/api/views/types.py); changes are admins' only, through ShareTypeAdminService.</summary>
public static class ManilaTypes
{
    private static readonly HashSet<string> CreateFields =
        ["name", "description", "extra_specs", "share_type_access:is_public", "os-share-type-access:is_public"];

    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/types", async (HttpContext http, ActingProject acting, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var types = (await TypesAsync(http, request, acting, reads, ct)).Where(t => !t.IsRetired).Select(t => View(request, t)).ToList();
            return Results.Json(new { share_types = types, volume_types = types });
        });
        v2.MapGet("/types/default", async (HttpContext http, ActingProject acting, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var type = (await TypesAsync(http, request, acting, reads, ct)).FirstOrDefault(t => t.IsDefault && !t.IsRetired);
            return type is null ? ManilaErrors.NotFound("Default share type could not be found.") : Single(request, type);
        });
        v2.MapGet("/types/{id}", async (string id, HttpContext http, ActingProject acting, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var type = Find(await TypesAsync(http, request, acting, reads, ct), id);
            return type is null ? NotFound(id) : Single(request, type);
        });
        v2.MapPost("/types", CreateAsync);
        v2.MapDelete("/types/{id}", async (string id, HttpContext http, ManilaReads reads, ShareTypeAdminService admin, CancellationToken ct) =>
        {
            var (request, type, refusal) = await AdminTypeAsync(http, reads, id, ct);
            if (type is null)
                return refusal!;
            var result = await admin.SetRetiredAsync(request.User, type.Id, retired: true, ct);
            return result.Succeeded ? Results.Accepted() : ManilaErrors.Refusal(result);
        });
        v2.MapGet("/types/{id}/extra_specs", async (string id, HttpContext http, ActingProject acting, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var type = Find(await TypesAsync(http, request, acting, reads, ct), id);
            return type is null ? NotFound(id) : Results.Json(new { extra_specs = ShareTypeSpecs.Of(type, request.User.IsAdmin) });
        });
        v2.MapPost("/types/{id}/extra_specs", async (string id, HttpContext http, ManilaReads reads, ShareTypeAdminService admin, CancellationToken ct) =>
        {
            var (request, type, refusal) = await AdminTypeAsync(http, reads, id, ct);
            if (type is null)
                return refusal!;
            var (body, error) = await ManilaBody.ReadAsync(http.Request, "extra_specs", known: null);
            if (body is null)
                return error!;
            var set = body.Root.EnumerateObject().ToDictionary(p => p.Name, p => ManilaBody.Text(body.Root, p.Name));
            return await SaveAsync(request, admin, type, set, () => Results.Json(new { extra_specs = set }), ct);
        });
        v2.MapDelete("/types/{id}/extra_specs/{key}", async (string id, string key, HttpContext http, ManilaReads reads, ShareTypeAdminService admin,
            CancellationToken ct) =>
        {
            var (request, type, refusal) = await AdminTypeAsync(http, reads, id, ct);
            if (type is null)
                return refusal!;
            if (!ShareTypeSpecs.Of(type, admin: true).ContainsKey(key))
                return ManilaErrors.NotFound($"Share type extra spec {ManilaShares.Clip(key)} could not be found.");
            return await SaveAsync(request, admin, type, new Dictionary<string, string?> { [key] = null }, () => Results.Accepted(), ct);
        });
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ManilaReads reads, ShareTypeAdminService admin, CancellationToken ct)
    {
        var request = ManilaRequest.Of(http);
        if (!request.User.IsAdmin)
            return ManilaErrors.Forbidden();
        var (body, error) = await ManilaBody.ReadAsync(http.Request, "share_type", CreateFields);
        if (body is null)
            return error!;
        var isPublic = body.Bool("share_type_access:is_public", out var badPublic) ?? body.Bool("os-share-type-access:is_public", out badPublic) ?? true;
        if (badPublic)
            return ManilaErrors.BadRequest("share_type_access:is_public takes true or false.");
        if (!isPublic)
            return ManilaErrors.BadRequest("Private share types are offered to projects in the portal's share type page; create a public one here.");
        var specs = body.Member("extra_specs") is { } given
            ? given.EnumerateObject().ToDictionary(p => p.Name, p => ManilaBody.Text(given, p.Name))
            : new Dictionary<string, string?>();
        if (!specs.TryGetValue(ShareTypeSpecs.Dhss, out var dhss) || dhss is null)
            return ManilaErrors.BadRequest($"Required extra specification '{ShareTypeSpecs.Dhss}' is missing.");
        var input = ShareTypeSpecs.Apply(ShareTypeSpecs.InputOf(new ShareType { Name = body.Text("name") ?? "", Description = body.Text("description") ?? "" }),
            specs, out var specError);
        if (input is null)
            return ManilaErrors.BadRequest(specError!);
        var result = await admin.CreateAsync(request.User, input, ct);
        if (!result.Succeeded)
            return result.Error!.Contains("exists already", StringComparison.Ordinal) ? ManilaErrors.Conflict(result.Error) : ManilaErrors.BadRequest(result.Error!);
        var created = (await reads.TypesAsync(request, null, ct)).Single(t => t.Id == result.Id);
        return Single(request, created);
    }

    private static async Task<IResult> SaveAsync(ManilaRequest request, ShareTypeAdminService admin, ShareType type, Dictionary<string, string?> set,
        Func<IResult> ok, CancellationToken ct)
    {
        var input = ShareTypeSpecs.Apply(ShareTypeSpecs.InputOf(type), set, out var error);
        if (input is null)
            return ManilaErrors.BadRequest(error!);
        var result = await admin.UpdateAsync(request.User, type.Id, input, ct);
        return result.Succeeded ? ok() : ManilaErrors.BadRequest(string.Join(" ", result.Errors.Values));
    }

    private static async Task<List<ShareType>> TypesAsync(HttpContext http, ManilaRequest request, ActingProject acting, ManilaReads reads, CancellationToken ct)
    {
        if (request.User.IsAdmin)
            return await reads.TypesAsync(request, null, ct);
        var (project, _) = await acting.ResolveAsync(http, request, ct);
        return project is null ? [] : await reads.TypesAsync(request, project.Id, ct);
    }

    /// <summary>The type an admin names (any type, whichever project); otherwise the answer that refuses the request.</summary>
    private static async Task<(ManilaRequest Request, ShareType? Type, IResult? Refusal)> AdminTypeAsync(
        HttpContext http, ManilaReads reads, string id, CancellationToken ct)
    {
        var request = ManilaRequest.Of(http);
        if (!request.User.IsAdmin)
            return (request, null, ManilaErrors.Forbidden());
        var type = Find(await reads.TypesAsync(request, null, ct), id);
        return (request, type, type is null ? NotFound(id) : null);
    }

    private static ShareType? Find(IEnumerable<ShareType> types, string idOrName) =>
        types.FirstOrDefault(t => t.Id.ToString() == idOrName) ?? types.FirstOrDefault(t => t.Name == idOrName && !t.IsRetired);

    private static IResult NotFound(string id) => ManilaErrors.NotFound($"Share type {ManilaShares.Clip(id)} could not be found.");

    private static IResult Single(ManilaRequest request, ShareType type)
    {
        var view = View(request, type);
        return Results.Json(new { share_type = view, volume_type = view });
    }

    public static Dictionary<string, object?> View(ManilaRequest request, ShareType type)
    {
        var view = new Dictionary<string, object?>
        {
            ["id"] = type.Id, ["name"] = type.Name, ["extra_specs"] = ShareTypeSpecs.Of(type, request.User.IsAdmin),
            ["required_extra_specs"] = new Dictionary<string, string> { [ShareTypeSpecs.Dhss] = "False" },
        };
        view[request.Version.AtLeast(2, 7) ? "share_type_access:is_public" : "os-share-type-access:is_public"] = type.IsPublic;
        if (request.Version.AtLeast(2, 41)) view["description"] = type.Description;
        if (request.Version.AtLeast(2, 46)) view["is_default"] = type.IsDefault;
        return view;
    }
}
