using Microsoft.AspNetCore.Localization;
using ZfsPortal.Hosting;

namespace ZfsPortal.Features.Account;

/// <summary>
/// The user menu's language switch: a cookie, then a full reload, because a Blazor Server circuit takes its
/// culture from the request that starts it and keeps it.
/// </summary>
public static class LanguageEndpoint
{
    public const string Path = "/account/language";

    public static string Link(string culture, string returnUrl) =>
        $"{Path}?culture={Uri.EscapeDataString(culture)}&returnUrl={Uri.EscapeDataString(returnUrl)}";

    public static IEndpointRouteBuilder MapLanguageEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (string? culture, string? returnUrl, HttpContext http) =>
        {
            var chosen = PortalLocalization.Cultures.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase));
            if (chosen is null)
                return Results.BadRequest($"Unknown language; choose one of {string.Join(", ", PortalLocalization.Cultures)}.");
            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps });
            return Results.LocalRedirect(LocalOrHome(returnUrl));
        });
        return app;
    }

    // Unlike sign-in's return URL, the sign-in page itself is a fine place to come back to.
    private static string LocalOrHome(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl[0] == '/' && (returnUrl.Length == 1 || returnUrl[1] is not ('/' or '\\'))
        && !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/shares";
}
