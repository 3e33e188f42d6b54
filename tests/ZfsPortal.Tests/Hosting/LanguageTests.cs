using System.Net;
using System.Net.Http.Headers;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Hosting;

/// <summary>Which language a page comes in: the browser's, unless the user menu's switch chose another (issue 17 point 3).</summary>
[Collection("storage-host")]
public sealed class LanguageTests(StorageHostFixture host) : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-web-");
    private TestPortal? _portal;

    private TestPortal Portal => _portal ??= PortalLookups.Start(host, _data, runJobs: false);

    private async Task<string> SignInPageAsync(HttpClient client, string? acceptLanguage = null, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/account/login", UriKind.Relative));
        if (acceptLanguage is not null)
            request.Headers.AcceptLanguage.Add(StringWithQualityHeaderValue.Parse(acceptLanguage));
        if (cookie is not null)
            request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Razor writes non-ASCII text as character references.
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_browser_s_language_picks_Japanese_and_anything_else_gets_English()
    {
        using var client = Portal.CreateClient(new() { AllowAutoRedirect = false });

        var japanese = await SignInPageAsync(client, "ja-JP");
        var german = await SignInPageAsync(client, "de-DE");

        Assert.Contains("<html lang=\"ja\">", japanese, StringComparison.Ordinal);
        Assert.Contains("サインイン", japanese, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", german, StringComparison.Ordinal);
        Assert.Contains("Sign in", german, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_switch_sets_a_lasting_cookie_that_wins_over_the_browser_and_returns_only_inside_the_portal()
    {
        using var client = Portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

        using var switched = await client.GetAsync(new Uri("/account/language?culture=ja&returnUrl=%2Fshares%2Fnew", UriKind.Relative));
        using var offSite = await client.GetAsync(new Uri("/account/language?culture=en&returnUrl=%2F%2Fevil.example", UriKind.Relative));
        using var unknown = await client.GetAsync(new Uri("/account/language?culture=xx&returnUrl=%2Fshares", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/shares/new", switched.Headers.Location?.OriginalString);
        var cookie = Assert.Single(switched.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(".AspNetCore.Culture=c%3Dja%7Cuic%3Dja;", cookie, StringComparison.Ordinal);
        Assert.Contains("expires=", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("/shares", offSite.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.False(unknown.Headers.Contains("Set-Cookie"));

        var page = await SignInPageAsync(client, "en-US", cookie.Split(';')[0]);
        Assert.Contains("<html lang=\"ja\">", page, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _portal?.Dispose();
        _data.Delete(recursive: true);
    }
}
