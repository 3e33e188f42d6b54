using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Routing;
using ZfsPortal.Data;

namespace ZfsPortal.Features.Account;

/// <summary>Sign-in and sign-out are plain form posts: only an HTTP response can set the cookie.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account");
        account.MapPost("/login", async ([FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
            HttpContext http, SignInManager<PortalUser> signIn, SignInAudit audit) =>
        {
            var target = SafeReturnUrl(http, returnUrl);
            var result = string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)
                ? Microsoft.AspNetCore.Identity.SignInResult.Failed
                : await signIn.PasswordSignInAsync(email.Trim(), password, isPersistent: true, lockoutOnFailure: true);
            if (result.Succeeded)
                return Results.LocalRedirect(target);
            await audit.FailedAsync(http, email, result);
            return Results.LocalRedirect(LoginPageWith(http, result.IsLockedOut ? "locked" : "failed", target));
        }).WithMetadata(new SignInAttemptEndpoint());
        account.MapPost("/logout", async (HttpContext http, SignInManager<PortalUser> signIn) =>
        {
            // A new security stamp signs the account out everywhere: other cookies fail their next stamp check, and
            // open pages lose the user at their circuit's next revalidation (SessionRevalidation).
            if (await signIn.UserManager.GetUserAsync(http.User) is { } user)
                await signIn.UserManager.UpdateSecurityStampAsync(user);
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        });
        return app;
    }

    /// <summary>The sign-in page showing <paramref name="error"/>'s sentence, keeping where the user was going.</summary>
    public static string LoginPageWith(HttpContext http, string error, string? returnUrl) =>
        $"/account/login?error={error}&returnUrl={Uri.EscapeDataString(SafeReturnUrl(http, returnUrl))}";

    /// <summary>
    /// Only paths inside the portal, judged by <see cref="IUrlHelper.IsLocalUrl"/> as ASP.NET Core's guidance on open
    /// redirects says (the same judge <c>LocalRedirect</c> applies, so it never throws on what passes here); any control
    /// character is refused too. Anything else, and the sign-in pages themselves, go to the shares page.
    /// </summary>
    public static string SafeReturnUrl(HttpContext http, string? returnUrl)
    {
        var url = new UrlHelper(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
        return url.IsLocalUrl(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.Any(char.IsControl)
               && !returnUrl.StartsWith("/account", StringComparison.OrdinalIgnoreCase)
            ? returnUrl
            : "/shares";
    }
}
