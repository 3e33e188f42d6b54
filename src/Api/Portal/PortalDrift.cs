using ZfsPortal.Features.Account;
using ZfsPortal.Features.Drift;

namespace ZfsPortal.Api.Portal;

/// <summary>What the reconciler found per backend (the Drift page), for admins: the last pass and the open findings.</summary>
public static class PortalDrift
{
    public sealed record PassView(DateTime StartedAt, long DurationMs, string Trigger, int Findings, int Repairs, string? Failure);

    public sealed record FindingView(long Id, string Kind, string Message, Guid? ShareId, string? ShareName, string? Dataset, long? SizeBytes,
        DateTime FirstFoundAt);

    public sealed record DriftView(string Backend, string Health, PassView? LastPass, IReadOnlyList<FindingView> Findings);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/drift", async (HttpContext http, DriftQueries drift) =>
            {
                var rows = await drift.ListAsync(CurrentUser.From(http.User), http.RequestAborted);
                return Results.Ok(rows.Select(b => new DriftView(b.Name, b.Health.ToString().ToLowerInvariant(),
                    b.Last is { } r ? new PassView(r.StartedAt, r.DurationMs, r.Trigger, r.Findings, r.Repairs, r.Failure) : null,
                    [.. b.Findings.Select(f => new FindingView(f.Id, f.Kind.ToString(), f.Message, f.ShareId, f.ShareName, f.Dataset, f.SizeBytes,
                        f.FirstFoundAt))])).ToList());
            })
            .RequireAuthorization(Data.Roles.Admin)
            .WithSummary("Per backend, the reconciler's last pass and the open drift findings, unowned datasets included (admins).")
            .Produces<List<DriftView>>();
    }
}
