using System.Text.Json;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Shares.Resize;
using ZfsPortal.Features.Snapshots.Revert;

namespace ZfsPortal.Api.Manila;

/// <summary>POST /v2/shares/{id}/action (allow_access, deny_access, access_list, extend, shrink, revert) and /v2/share-access-rules.</summary>
public static class ManilaShareActions
{
    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapPost("/shares/{id}/action", ActAsync);
        v2.MapGet("/share-access-rules", async (HttpContext http, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var id = http.Request.Query["share_id"].ToString();
            if (id.Length == 0)
                return ManilaErrors.BadRequest("The share_id query parameter is required.");
            var share = Guid.TryParse(id, out var shareId) ? await reads.ShareAsync(request, shareId, ct) : null;
            if (share is null)
                return ManilaShares.NotFound(id);
            return Results.Json(new { access_list = (await reads.RulesAsync(request, share.Id, ct)).Select(r => AccessAndSnapshotViews.Rule(request, r, share, false)) });
        });
        v2.MapGet("/share-access-rules/{id}", async (string id, HttpContext http, ManilaReads reads, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var rule = Guid.TryParse(id, out var ruleId) ? await reads.RuleAsync(request, ruleId, ct) : null;
            var share = rule is null ? null : await reads.ShareAsync(request, rule.ShareId, ct);
            return rule is null || share is null
                ? ManilaErrors.NotFound($"Access rule {ManilaShares.Clip(id)} could not be found.")
                : Results.Json(new { access = AccessAndSnapshotViews.Rule(request, rule, share, true) });
        });
    }

    private static async Task<IResult> ActAsync(string id, HttpContext http, ManilaReads reads, AccessService access, ResizeShareService resize,
        RevertShareService revert, CancellationToken ct)
    {
        var request = ManilaRequest.Of(http);
        var share = Guid.TryParse(id, out var shareId) ? await reads.ShareAsync(request, shareId, ct) : null;
        if (share is null)
            return ManilaShares.NotFound(id);
        var (action, argument, error) = await ManilaBody.ReadActionAsync(http.Request);
        if (action is null)
            return error!;
        // Manila took the os- prefixed names before 2.7 and still answers to both.
        return (action.StartsWith("os-", StringComparison.Ordinal) ? action[3..] : action) switch
        {
            "allow_access" => await AllowAsync(request, share, argument, access, reads, ct),
            "deny_access" => await DenyAsync(request, share, argument, access, reads, ct),
            "access_list" => Results.Json(new { access_list = (await reads.RulesAsync(request, share.Id, ct)).Select(r => AccessAndSnapshotViews.Rule(request, r, share, false)) }),
            "extend" => await ResizeAsync(request, share, argument, resize, grow: true, ct),
            "shrink" => await ResizeAsync(request, share, argument, resize, grow: false, ct),
            "revert" when request.Version.AtLeast(2, 27) => await RevertAsync(request, share, argument, revert, ct),
            _ => ManilaErrors.BadRequest($"There is no such action: {ManilaShares.Clip(action)}."),
        };
    }

    private static async Task<IResult> AllowAsync(ManilaRequest request, Share share, JsonElement argument, AccessService access, ManilaReads reads,
        CancellationToken ct)
    {
        if (argument.ValueKind != JsonValueKind.Object)
            return ManilaErrors.BadRequest("Missing required element 'allow_access' in request body.");
        var unknown = argument.EnumerateObject().Select(p => p.Name).Except(["access_type", "access_to", "access_level", "metadata"]).ToList();
        if (unknown.Count > 0)
            return ManilaErrors.BadRequest($"Unrecognized attribute(s) in 'allow_access': {string.Join(", ", unknown.Select(u => $"'{ManilaShares.Clip(u)}'"))}.");
        var type = ManilaBody.Text(argument, "access_type");
        if (type != "ip")
            return ManilaErrors.BadRequest($"Only 'ip' access types are supported for NFS; '{ManilaShares.Clip(type ?? "")}' is not.");
        var result = await access.AllowAsync(request.User, share.Id, ManilaBody.Text(argument, "access_to"),
            ManilaBody.Text(argument, "access_level") ?? "rw", ct: ct);
        if (!result.Succeeded)
            return ManilaErrors.Refusal(result);
        var rule = await reads.RuleAsync(request, result.Id!.Value, ct);
        return Results.Json(new { access = AccessAndSnapshotViews.Rule(request, rule!, share, true) });
    }

    private static async Task<IResult> DenyAsync(ManilaRequest request, Share share, JsonElement argument, AccessService access, ManilaReads reads,
        CancellationToken ct)
    {
        var ruleText = ManilaBody.Text(argument, "access_id");
        var rule = Guid.TryParse(ruleText, out var ruleId) ? await reads.RuleAsync(request, ruleId, ct) : null;
        if (rule is null || rule.ShareId != share.Id)
            return ManilaErrors.NotFound($"Access rule {ManilaShares.Clip(ruleText ?? "")} could not be found.");
        var result = await access.DenyAsync(request.User, rule.Id, ct);
        return result.Succeeded ? Results.Accepted() : ManilaErrors.Refusal(result);
    }

    private static async Task<IResult> ResizeAsync(ManilaRequest request, Share share, JsonElement argument, ResizeShareService resize, bool grow,
        CancellationToken ct)
    {
        var size = ManilaBody.Text(argument, "new_size");
        if (size is null)
            return ManilaErrors.BadRequest("Must specify 'new_size'.");
        var result = grow ? await resize.ExtendAsync(request.User, share.Id, size, ct) : await resize.ShrinkAsync(request.User, share.Id, size, ct);
        return result.Succeeded ? Results.Accepted() : ManilaErrors.Refusal(result);
    }

    // Manila's revert (2.27): to the share's latest snapshot; the API call is the confirmation.
    private static async Task<IResult> RevertAsync(ManilaRequest request, Share share, JsonElement argument, RevertShareService revert, CancellationToken ct)
    {
        var text = ManilaBody.Text(argument, "snapshot_id");
        if (text is null)
            return ManilaErrors.BadRequest("Must specify 'snapshot_id'.");
        if (!Guid.TryParse(text, out var snapshotId))
            return ManilaErrors.NotFound($"Snapshot {ManilaShares.Clip(text)} could not be found.");
        var result = await revert.RevertAsync(request.User, snapshotId, share.Id, ct);
        return result.Succeeded ? Results.Accepted() : ManilaErrors.Refusal(result);
    }
}
