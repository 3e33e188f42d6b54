using System.Net;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Features.Account;

/// <summary>Where a sign-in sends the browser: only to a path inside the portal, whatever the return URL says.</summary>
[Collection("storage-host")]
public sealed class SignInReturnUrlTests(StorageHostFixture host) : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-web-");
    private TestPortal? _portal;

    private TestPortal Portal => _portal ??= PortalLookups.Start(host, _data, runJobs: false);

    private async Task<HttpResponseMessage> SignInAsync(string returnUrl, string? password = null)
    {
        using var client = Portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        return await PortalSignIn.PostAsync(client, TestPortal.TenantEmail, password ?? PortalLookups.Password, returnUrl);
    }

    [Theory]
    [InlineData("/\t/example.com")]
    [InlineData("/\r\n/example.com")]
    [InlineData("/shares\u007f")]
    [InlineData("//example.com")]
    [InlineData("/\\example.com")]
    [InlineData("https://example.com/")]
    [InlineData("/account/logout")]
    public async Task A_return_url_that_could_leave_the_portal_lands_on_the_shares_page(string returnUrl)
    {
        using var response = await SignInAsync(returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/shares", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_path_inside_the_portal_is_where_the_sign_in_goes()
    {
        using var response = await SignInAsync("/shares/new?project=demo");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/shares/new?project=demo", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_wrong_password_with_a_control_character_in_the_return_url_goes_back_to_the_form()
    {
        using var response = await SignInAsync("/\t/example.com", password: "not-the-password");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login?error=failed&returnUrl=%2Fshares", response.Headers.Location?.OriginalString);
    }

    public void Dispose()
    {
        _portal?.Dispose();
        _data.Delete(recursive: true);
    }
}
