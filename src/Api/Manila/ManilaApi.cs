using ZfsPortal.Api.Authentication;

namespace ZfsPortal.Api.Manila;

/// <summary>
/// Manila's Shared File Systems API v2 at /v2 and /v2/{project_id}: token-authenticated, microversioned, and thin —
/// reads through <see cref="ManilaReads"/> (the browser's visibility rules), writes through the features' accept steps.
/// </summary>
public static class ManilaApi
{
    public static IServiceCollection AddManilaApi(this IServiceCollection services) =>
        services.AddSingleton<ManilaReads>().AddSingleton<ActingProject>();

    public static IEndpointRouteBuilder MapManilaApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2", (HttpContext http) => Results.Json(ManilaVersions.Document(http.Request))).ExcludeFromDescription();
        app.MapGet("/v2/", (HttpContext http) => Results.Json(ManilaVersions.Document(http.Request))).ExcludeFromDescription();
        foreach (var prefix in new[] { "/v2", "/v2/{project_id}" })
        {
            var v2 = app.MapGroup(prefix)
                .RequireAuthorization(p => p.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser())
                .AddEndpointFilter<Microversions>()
                .DisableAntiforgery()
                .WithTags("Manila v2");
            ManilaShares.Map(v2);
            ManilaShareActions.Map(v2);
            ManilaSnapshots.Map(v2);
            ManilaTypes.Map(v2);
            ManilaQuotas.Map(v2);
            ManilaServices.Map(v2);
            ManilaMessages.Map(v2);
        }
        return app;
    }
}
