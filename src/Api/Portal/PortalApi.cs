using ZfsPortal.Api.Authentication;
using ZfsPortal.Api.Manila;
using ZfsPortal.Features.Common;

namespace ZfsPortal.Api.Portal;

/// <summary>
/// The portal's own API at /api/v1, for what Manila's does not cover: approvals, operations with their steps and host
/// commands, backends, drift findings. Token-authenticated like /v2 (never the cookie, so no page can be tricked into a cross-site
/// post), through the same services as the pages; described, with /v2 and /identity/v3, at /openapi/v1.json.
/// </summary>
public static class PortalApi
{
    public const string OpenApiPath = "/openapi/v1.json";

    public static IServiceCollection AddPortalApi(this IServiceCollection services)
    {
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "ZfsPortal API";
            document.Info.Description = "Manila's Shared File Systems API v2 (/v2), a Keystone v3 subset (/identity/v3) and the " +
                                        "portal's own API (/api/v1). Authenticate with X-Auth-Token: a personal API token or a Keystone token.";
            return Task.CompletedTask;
        }));
        return services;
    }

    public static IEndpointRouteBuilder MapPortalApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(OpenApiPath);
        var api = app.MapGroup("/api/v1")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser())
            .DisableAntiforgery()
            .WithTags("Portal v1");
        PortalApprovals.Map(api);
        PortalOperations.Map(api);
        PortalBackends.Map(api);
        PortalDrift.Map(api);
        return app;
    }

    /// <summary>A refused accept step as RFC 9457 problem details, with the status Manila's API would answer.</summary>
    public static IResult Refusal(CommandResult result) =>
        Results.Problem(detail: result.Error, statusCode: ManilaErrors.StatusOf(result), title: "The request was refused.");

    public static IResult NotFound(string what) => Results.Problem(detail: $"{what} could not be found.", statusCode: 404, title: "Not found.");
}
