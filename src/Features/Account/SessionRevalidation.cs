using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;

namespace ZfsPortal.Features.Account;

/// <summary>
/// A circuit keeps the user it started with for as long as the page is open, cookie checks or not. This re-reads the
/// account every <see cref="SignInOptions.SessionCheckSeconds"/> (at least every second): once its security stamp
/// has changed (sign-out, password change) or the account is gone, the circuit's user becomes anonymous and the
/// layout sends the page to sign in.
/// </summary>
public sealed class SessionRevalidation(
    ILoggerFactory loggers, IServiceScopeFactory scopes, IOptions<IdentityOptions> identity, IOptions<SignInOptions> signIn)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(Math.Max(1, signIn.Value.SessionCheckSeconds));

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return await IsCurrentAsync(users, authenticationState.User, identity.Value.ClaimsIdentity.SecurityStampClaimType);
    }

    /// <summary>True while the principal's account exists and carries the stamp the principal was issued with.</summary>
    public static async Task<bool> IsCurrentAsync(UserManager<PortalUser> users, ClaimsPrincipal principal, string stampClaimType) =>
        await users.GetUserAsync(principal) is { } user
        && (!users.SupportsUserSecurityStamp || principal.FindFirstValue(stampClaimType) == await users.GetSecurityStampAsync(user));
}
