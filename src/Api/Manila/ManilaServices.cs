using ZfsPortal.Data;
using ZfsPortal.Features.Backends;

namespace ZfsPortal.Api.Manila;

/// <summary>/v2/services (admins: each backend as a manila-share service, up or down) and /v2/availability-zones (one).</summary>
public static class ManilaServices
{
    private static readonly DateTime ZoneCreated = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static void Map(IEndpointRouteBuilder v2)
    {
        v2.MapGet("/services", async (HttpContext http, BackendAdminService backends, CancellationToken ct) =>
        {
            var request = ManilaRequest.Of(http);
            if (!request.User.IsAdmin)
                return ManilaErrors.Forbidden();
            var rows = await backends.ListAsync(request.User, ct);
            var query = http.Request.Query;
            var services = rows.Select((b, i) => new Dictionary<string, object?>
            {
                ["id"] = i + 1, ["binary"] = "manila-share", ["host"] = $"{ShareViews.AvailabilityZone}@{b.Name}",
                ["zone"] = ShareViews.AvailabilityZone, ["status"] = b.Enabled ? "enabled" : "disabled",
                ["state"] = b.Health == BackendHealth.Up ? "up" : "down", ["updated_at"] = ManilaRequest.Time(b.LastCheckedAt),
            }).Where(s => Matches(s, "host", query["host"]) && Matches(s, "binary", query["binary"]) && Matches(s, "status", query["status"])
                          && Matches(s, "state", query["state"]) && Matches(s, "zone", query["zone"]));
            return Results.Json(new { services });
        });
        v2.MapGet("/availability-zones", () => Results.Json(new
        {
            availability_zones = new[]
            {
                new Dictionary<string, object?>
                {
                    ["id"] = ShareViews.StableId(Guid.Empty, ShareViews.AvailabilityZone), ["name"] = ShareViews.AvailabilityZone,
                    ["created_at"] = ManilaRequest.Time(ZoneCreated), ["updated_at"] = null,
                },
            },
        }));
    }

    private static bool Matches(Dictionary<string, object?> service, string key, Microsoft.Extensions.Primitives.StringValues wanted) =>
        wanted.Count == 0 || string.Equals(service[key]?.ToString(), wanted.ToString(), StringComparison.Ordinal);
}
