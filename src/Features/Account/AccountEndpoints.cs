using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using ZfsPortal.Data;

namespace ZfsPortal.Features.Account;

/// <summary>Sign-in and sign-out are plain form posts: only an HTTP response can set the cookie.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account");
        account.MapPost("/login", async ([FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
            SignInManager<PortalUser> signIn) =>
        {
            var target = SafeReturnUrl(returnUrl);
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

    /// <summary>Only paths inside the portal; anything else goes to the shares page.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
        && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.StartsWith("/account", StringComparison.Ordinal)
            ? returnUrl
            : "/shares";
}
