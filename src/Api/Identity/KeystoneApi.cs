using Microsoft.AspNetCore.Identity;
using ZfsPortal.Api.Authentication;
using ZfsPortal.Api.Manila;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Account.ApiTokens;

namespace ZfsPortal.Api.Identity;

/// <summary>
/// The part of Keystone v3 that clients configured with <c>OS_AUTH_URL</c> need (ADR 20): version discovery, and
/// <c>/auth/tokens</c> to make a token from a portal user's password (or from another token), read it and revoke it.
/// Neither the secrets nor the password ever reach a log: the only things logged are the failed sign-in's audit lines.
/// </summary>
public static class KeystoneApi
{
    public const string SubjectTokenHeader = "X-Subject-Token";

    public static IServiceCollection AddKeystoneApi(this IServiceCollection services) => services.AddSingleton<KeystoneTokenIssuer>();

    public static IEndpointRouteBuilder MapKeystoneApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/identity", (HttpContext http) => Results.Json(new { versions = new { values = new[] { V3(http.Request) } } },
            statusCode: StatusCodes.Status300MultipleChoices)).ExcludeFromDescription();
        var v3 = app.MapGroup("/identity/v3").DisableAntiforgery().WithTags("Keystone v3 (subset)");
        v3.MapGet("", (HttpContext http) => Results.Json(new { version = V3(http.Request) }));
        v3.MapPost("/auth/tokens", IssueAsync).WithSummary("Make a token from a password or a token (Keystone's password and token methods).");

        var signedIn = v3.MapGroup("")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(ApiTokenAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        KeystoneProjects.Map(signedIn);
        var authenticated = signedIn.MapGroup("/auth/tokens");
        authenticated.MapGet("", (HttpContext http, ApiTokenValidator validator, KeystoneTokenIssuer issuer) => DescribeAsync(http, validator, issuer, withBody: true))
            .WithSummary("Read the token named by X-Subject-Token (one's own; admins: any).");
        authenticated.MapMethods("", [HttpMethods.Head], (HttpContext http, ApiTokenValidator validator, KeystoneTokenIssuer issuer) =>
            DescribeAsync(http, validator, issuer, withBody: false)).WithSummary("Check the token named by X-Subject-Token.");
        authenticated.MapDelete("", RevokeAsync).WithSummary("Revoke the Keystone token named by X-Subject-Token.");
        return app;
    }

    private static async Task<IResult> IssueAsync(HttpContext http, SignInManager<PortalUser> signIn, SignInAudit audit,
        ApiTokenValidator validator, KeystoneTokenIssuer issuer)
    {
        var ct = http.RequestAborted;
        var (body, error) = await KeystoneAuthBody.ReadAsync(http.Request);
        if (body is null)
            return KeystoneErrors.BadRequest(error!);
        CurrentUser user;
        DateTime? notAfter = null;
        Guid? current = null;
        if (body.ByPassword)
        {
            var users = signIn.UserManager;
            var found = body.UserId is not null ? await users.FindByIdAsync(body.UserId) : await users.FindByNameAsync(body.UserName!);
            // The browser's own check: a wrong password counts toward the same lockout, and a locked account is refused.
            var result = found is null || string.IsNullOrEmpty(body.Password)
                ? Microsoft.AspNetCore.Identity.SignInResult.Failed
                : await signIn.CheckPasswordSignInAsync(found, body.Password, lockoutOnFailure: true);
            if (!result.Succeeded || found is null)
            {
                await audit.FailedAsync(http, found?.UserName ?? body.UserName ?? body.UserId, result);
                return KeystoneErrors.Unauthorized(result.IsLockedOut
                    ? "The account is locked after repeated failed sign-ins; try again later."
                    : "The request you have made requires authentication.");
            }
            user = new CurrentUser(found.Id, found.UserName ?? found.Email ?? found.Id, await users.IsInRoleAsync(found, Roles.Admin));
        }
        else
        {
            if (await validator.ValidateAsync(body.Token!, ct) is not { } owner)
                return KeystoneErrors.Unauthorized();
            user = new CurrentUser(owner.UserId, owner.UserName, owner.Roles.Contains(Roles.Admin));
            (notAfter, current) = (owner.ExpiresAt, owner.ProjectId);
        }
        if (await issuer.ScopeAsync(user, body.Scope, current, ct) is not { } project)
            return KeystoneErrors.Unauthorized(body.Scope is null
                ? "You are not a member of any project."
                : "The project could not be found, or you are not a member of it.");
        var (secret, token) = await issuer.IssueAsync(user, project, notAfter, body.ByPassword ? "password" : "token", ct);
        http.Response.Headers[SubjectTokenHeader] = secret;
        return Results.Json(KeystoneTokenView.Body(token, http.Request), statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> DescribeAsync(HttpContext http, ApiTokenValidator validator, KeystoneTokenIssuer issuer, bool withBody)
    {
        var (owner, refusal) = await SubjectAsync(http, validator);
        if (owner is null)
            return refusal!;
        if (await issuer.DescribeAsync(owner, http.RequestAborted) is not { } token)
            return KeystoneErrors.NotFound("Could not find token.");
        http.Response.Headers[SubjectTokenHeader] = http.Request.Headers[SubjectTokenHeader].ToString();
        return withBody ? Results.Json(KeystoneTokenView.Body(token, http.Request)) : Results.Ok();
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, ApiTokenValidator validator, KeystoneTokenIssuer issuer)
    {
        var (owner, refusal) = await SubjectAsync(http, validator);
        if (owner is null)
            return refusal!;
        if (!owner.IssuedByIdentity)
            return KeystoneErrors.Forbidden("A personal API token is revoked by its owner on the portal's API tokens page.");
        await issuer.RevokeAsync(owner.TokenId, http.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>The token a request asks about: one's own, or any for an admin (Keystone's validate_token policy).</summary>
    private static async Task<(TokenOwner? Owner, IResult? Refusal)> SubjectAsync(HttpContext http, ApiTokenValidator validator)
    {
        var subject = http.Request.Headers[SubjectTokenHeader].ToString();
        if (subject.Length == 0)
            return (null, KeystoneErrors.BadRequest($"The {SubjectTokenHeader} header is required."));
        // Keystone names the token it could not find; the portal does not, so that no secret reaches a response or a log.
        if (await validator.ValidateAsync(subject, http.RequestAborted) is not { } owner)
            return (null, KeystoneErrors.NotFound("Could not find token."));
        var caller = CurrentUser.From(http.User);
        return owner.UserId == caller.UserId || caller.IsAdmin
            ? (owner, null)
            : (null, KeystoneErrors.Forbidden("You may only read your own tokens."));
    }

    /// <summary>keystone/version/controllers.py's v3 entry; the manila client's keystoneclient discovers v3 from it.</summary>
    private static Dictionary<string, object> V3(HttpRequest request) => new()
    {
        ["id"] = "v3.14",
        ["status"] = "stable",
        ["updated"] = "2020-04-07T00:00:00Z",
        ["links"] = new object[] { new { rel = "self", href = $"{Microversions.BaseUrl(request)}/identity/v3/" } },
        ["media-types"] = new object[] { new Dictionary<string, string> { ["base"] = "application/json", ["type"] = "application/vnd.openstack.identity-v3+json" } },
    };
}
