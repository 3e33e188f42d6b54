using System.Globalization;
using Microsoft.AspNetCore.Localization;
using MudBlazor;
using ZfsPortal.Components;

namespace ZfsPortal.Hosting;

/// <summary>English and Japanese (docs/adr/0028): the browser's Accept-Language, overridden by the user menu's cookie.</summary>
public static class PortalLocalization
{
    public static readonly string[] Cultures = ["en", "ja"];

    // A resx at src/Features/X/Page.ja.resx is named ZfsPortal.src.Features.X.Page; the component is
    // ZfsPortal.Features.X.Page (src/_Imports.razor sets @namespace ZfsPortal), and "src" is what joins the two.
    public const string ResourcesPath = "src";

    public static IServiceCollection AddPortalLocalization(this IServiceCollection services)
    {
        services.AddLocalization(o => o.ResourcesPath = ResourcesPath);
        services.AddTransient<MudLocalizer, MudWords>();
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Cultures[0]).AddSupportedCultures(Cultures).AddSupportedUICultures(Cultures);
            // The cookie before the browser's languages: what the user picked in the menu wins.
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        return services;
    }

    /// <summary>The culture's language as <c>&lt;html lang&gt;</c> wants it ("en", "ja").</summary>
    public static string HtmlLang => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
}
