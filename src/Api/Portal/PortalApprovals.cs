using ZfsPortal.Features.Account;
using ZfsPortal.Features.Approvals;

namespace ZfsPortal.Api.Portal;

/// <summary>Requests waiting for an admin (the approvals page): list, approve, reject with a reason.</summary>
public static class PortalApprovals
{
    public sealed record RejectBody(string? Reason);

    public static void Map(RouteGroupBuilder api)
    {
        var approvals = api.MapGroup("/approvals").RequireAuthorization(Data.Roles.Admin);
        approvals.MapGet("", async (HttpContext http, ApprovalService approvals) =>
                Results.Ok(await approvals.ListPendingAsync(CurrentUser.From(http.User), http.RequestAborted)))
            .WithSummary("Shares awaiting approval, with the project's quota as it would stand (admins).")
            .Produces<IReadOnlyList<PendingRequest>>();
        approvals.MapPost("/{shareId:guid}/approve", async (HttpContext http, Guid shareId, ApprovalService approvals) =>
        {
            var result = await approvals.ApproveAsync(CurrentUser.From(http.User), shareId, http.RequestAborted);
            return result.Succeeded ? Results.Accepted(value: new { share_id = shareId, approved = true }) : PortalApi.Refusal(result);
        }).WithSummary("Approve a request: its create operation starts (admins).");
        approvals.MapPost("/{shareId:guid}/reject", async (HttpContext http, Guid shareId, RejectBody body, ApprovalService approvals) =>
        {
            var result = await approvals.RejectAsync(CurrentUser.From(http.User), shareId, body.Reason, http.RequestAborted);
            return result.Succeeded ? Results.Ok(new { share_id = shareId, rejected = true }) : PortalApi.Refusal(result);
        }).WithSummary("Reject a request with a reason the requester reads; its reservation is released (admins).");
    }
}
