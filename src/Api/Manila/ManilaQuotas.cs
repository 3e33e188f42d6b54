using System.Globalization;
using ZfsPortal.Data;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Quotas;

namespace ZfsPortal.Api.Manila;

/// <summary>/v2/quota-sets (show, detail, defaults; admins update) and /v2/limits, from the project's quotas and usage.</summary>
public static class ManilaQuotas
{
    private static readonly HashSet<string> UpdateFields =
    [
        "shares", "gigabytes", "snapshots", "snapshot_gigabytes", "per_share_gigabytes", "share_networks", "share_groups",
        "share_group_snapshots", "share_replicas", "replica_gigabytes", "force",
    ];

    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/quota-sets/{project}", (string project, HttpContext http, ActingProject acting, ProjectQueries projects, CancellationToken ct) =>
            ShowAsync(project, http, acting, projects, detail: false, ct));
        v2.MapGet("/quota-sets/{project}/detail", (string project, HttpContext http, ActingProject acting, ProjectQueries projects, CancellationToken ct) =>
            ShowAsync(project, http, acting, projects, detail: true, ct));
        v2.MapGet("/quota-sets/{project}/defaults", async (string project, ProjectAdminService admin, CancellationToken ct) =>
            Results.Json(new { quota_set = Limits(await admin.DefaultQuotasAsync(ct), project) }));
        v2.MapPut("/quota-sets/{project}", UpdateAsync);
        v2.MapGet("/limits", async (HttpContext http, ActingProject acting, ProjectQueries projects, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            var (project, error) = await acting.ResolveAsync(http, request, ct);
            if (project is null)
                return error!;
            var overview = (await projects.OverviewAsync(request.User, project.Id, ct))!;
            var (q, u) = (overview.Quotas, overview.Usage);
            return Results.Json(new
            {
                limits = new
                {
                    rate = Array.Empty<object>(),
                    absolute = new Dictionary<string, long>
                    {
                        ["maxTotalShareGigabytes"] = q.Gigabytes, ["maxTotalShares"] = q.Shares, ["maxTotalShareSnapshots"] = q.Snapshots,
                        ["maxTotalSnapshotGigabytes"] = q.SnapshotGigabytes, ["maxTotalShareNetworks"] = 0, ["maxTotalShareReplicas"] = 0,
                        ["maxTotalReplicaGigabytes"] = 0, ["totalSharesUsed"] = u.Shares, ["totalShareSnapshotsUsed"] = u.Snapshots,
                        ["totalShareGigabytesUsed"] = u.Gigabytes, ["totalSnapshotGigabytesUsed"] = u.SnapshotGigabytes,
                        ["totalShareNetworksUsed"] = 0, ["totalShareReplicasUsed"] = 0, ["totalReplicaGigabytesUsed"] = 0,
                    },
                },
            });
        });
    }

    private static async Task<IResult> ShowAsync(string project, HttpContext http, ActingProject acting, ProjectQueries projects, bool detail,
        CancellationToken ct)
    {
        var request = ManilaRequest.Of(http);
        var found = await acting.FindAsync(request, project, ct);
        var overview = found is null ? null : await projects.OverviewAsync(request.User, found.Id, ct);
        if (overview is null)
            return ManilaErrors.NotFound($"Project {ManilaShares.Clip(project)} could not be found.");
        if (!detail)
            return Results.Json(new { quota_set = Limits(overview.Quotas, overview.Id.ToString()) });
        var (q, u) = (overview.Quotas, overview.Usage);
        return Results.Json(new
        {
            quota_set = new Dictionary<string, object>
            {
                ["id"] = overview.Id.ToString(),
                ["shares"] = Used(q.Shares, u.SharesInUse, u.SharesReserved),
                ["gigabytes"] = Used(q.Gigabytes, u.GigabytesInUse, u.GigabytesReserved),
                ["snapshots"] = Used(q.Snapshots, u.SnapshotsInUse, u.SnapshotsReserved),
                ["snapshot_gigabytes"] = Used(q.SnapshotGigabytes, u.SnapshotGigabytesInUse, u.SnapshotGigabytesReserved),
                ["per_share_gigabytes"] = Used(q.PerShareGigabytes, 0, 0),
                ["share_networks"] = Used(0, 0, 0), ["share_groups"] = Used(0, 0, 0), ["share_group_snapshots"] = Used(0, 0, 0),
                ["share_replicas"] = Used(0, 0, 0), ["replica_gigabytes"] = Used(0, 0, 0),
            },
        });
    }

    private static async Task<IResult> UpdateAsync(string project, HttpContext http, ActingProject acting, ProjectQueries projects,
        ProjectAdminService admin, CancellationToken ct)
    {
        var request = ManilaRequest.Of(http);
        if (!request.User.IsAdmin)
            return ManilaErrors.Forbidden();
        var found = await acting.FindAsync(request, project, ct);
        if (found is null)
            return ManilaErrors.NotFound($"Project {ManilaShares.Clip(project)} could not be found.");
        var (body, error) = await ManilaBody.ReadAsync(http.Request, "quota_set", UpdateFields);
        if (body is null)
            return error!;
        var current = (await projects.OverviewAsync(request.User, found.Id, ct))!.Quotas;
        var input = new QuotaInput(body.Text("shares") ?? Text(current.Shares), body.Text("gigabytes") ?? Text(current.Gigabytes),
            body.Text("snapshots") ?? Text(current.Snapshots), body.Text("snapshot_gigabytes") ?? Text(current.SnapshotGigabytes),
            body.Text("per_share_gigabytes") ?? Text(current.PerShareGigabytes));
        var result = await admin.SetQuotasAsync(request.User, found.Id, input, ct);
        if (!result.Succeeded)
            return ManilaErrors.BadRequest(string.Join(" ", result.Errors.Values));
        var updated = (await projects.OverviewAsync(request.User, found.Id, ct))!;
        return Results.Json(new { quota_set = Limits(updated.Quotas, null) });
    }

    /// <summary>quota_sets.py at 2.72: Manila's resources the portal does not have read 0.</summary>
    private static Dictionary<string, object> Limits(QuotaLimits q, string? id)
    {
        var view = new Dictionary<string, object>
        {
            ["shares"] = q.Shares, ["gigabytes"] = q.Gigabytes, ["snapshots"] = q.Snapshots, ["snapshot_gigabytes"] = q.SnapshotGigabytes,
            ["share_networks"] = 0, ["share_groups"] = 0, ["share_group_snapshots"] = 0, ["share_replicas"] = 0, ["replica_gigabytes"] = 0,
            ["per_share_gigabytes"] = q.PerShareGigabytes,
        };
        if (id is not null)
            view["id"] = id;
        return view;
    }

    private static object Used(long limit, long inUse, long reserved) => new { in_use = inUse, limit, reserved };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
