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
            SignInManager<PortalUser> signIn, HttpContext http) =>
        {
            var target = SafeReturnUrl(http, returnUrl);
            var result = string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password)
                ? Microsoft.AspNetCore.Identity.SignInResult.Failed
                : await signIn.PasswordSignInAsync(email.Trim(), password, isPersistent: true, lockoutOnFailure: true);
            if (result.Succeeded)
                return Results.LocalRedirect(target);
            var error = result.IsLockedOut ? "locked" : "failed";
            return Results.LocalRedirect($"/account/login?error={error}&returnUrl={Uri.EscapeDataString(target)}");
        });
        account.MapPost("/logout", async (SignInManager<PortalUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/account/login");
        });
        return app;
    }

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
