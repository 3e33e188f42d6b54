using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ZfsPortal.Features.Account.ApiTokens;

namespace ZfsPortal.Api.Authentication;

/// <summary>
/// <c>X-Auth-Token</c> → the token's owner, with the same claims as the browser's cookie (name identifier, name, roles),
/// so <c>CurrentUser.From</c> and every feature service treat API calls as the owner's own. Nothing here logs the header.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokenValidator validator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken", Header = "X-Auth-Token", TokenIdClaim = "zfsportal:token_id",
        TokenProjectClaim = "zfsportal:token_project";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
            return AuthenticateResult.NoResult();
        var owner = await validator.ValidateAsync(values[0]!, Context.RequestAborted);
        // The failure text never carries the token: it reaches the logs.
        if (owner is null)
            return AuthenticateResult.Fail("The API token is unknown, revoked or expired, or its owner is locked out.");
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, owner.UserId), new(ClaimTypes.Name, owner.UserName), new(TokenIdClaim, owner.TokenId.ToString()),
        };
        claims.AddRange(owner.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        if (owner.ProjectId is { } project)
            claims.Add(new Claim(TokenProjectClaim, project.ToString()));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    /// <summary>Keystone middleware's answer, which OpenStack clients know how to read.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Keystone uri=\"/identity/v3\"";
        return Response.WriteAsJsonAsync(new
        {
            error = new { code = 401, title = "Unauthorized", message = "The request you have made requires authentication." },
        });
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Response.WriteAsJsonAsync(new
        {
            forbidden = new { code = 403, message = "Policy doesn't allow this operation to be performed." },
        });
    }
}
