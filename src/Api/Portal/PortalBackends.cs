using ZfsPortal.Features.Account;
using ZfsPortal.Features.Backends;

namespace ZfsPortal.Api.Portal;

/// <summary>Storage backends with their health and pools (the backends page), for admins.</summary>
public static class PortalBackends
{
    public sealed record BackendView(Guid Id, string Name, string Host, int Port, bool Enabled, string Health, string? HealthMessage,
        DateTime? LastCheckedAt, DateTime? LastUpAt, bool HostKeyPinned, string NfsHelper, IReadOnlyList<PoolView> Pools);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/backends", async (HttpContext http, BackendAdminService backends) =>
            {
                var rows = await backends.ListAsync(CurrentUser.From(http.User), http.RequestAborted);
                return Results.Ok(rows.Select(b => new BackendView(b.Id, b.Name, b.Host, b.Port, b.Enabled, b.Health.ToString().ToLowerInvariant(),
                    b.HealthMessage, b.LastCheckedAt, b.LastUpAt, b.Pinned, b.NfsHelper, b.Pools)).ToList());
            })
            .RequireAuthorization(Data.Roles.Admin)
            .WithSummary("Every backend with up/down, its last check and its pools' space (admins).")
            .Produces<List<BackendView>>();
    }
}
