using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Hosting;

/// <summary>What a browser gets when the portal fails or has no such page: a page that says what to do, not a bare status.</summary>
[Collection("storage-host")]
public sealed class ErrorPagesTests(StorageHostFixture host) : IDisposable
{
    private const string FailingPath = "/test/fail";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-web-");
    private TestPortal? _portal;

    // Production: the Development environment shows the developer exception page instead of the error page.
    private TestPortal Portal => _portal ??= PortalLookups.Start(host, _data, runJobs: false,
        settings: new Dictionary<string, string?> { ["environment"] = "Production" },
        services: s =>
        {
            s.AddTransient<IStartupFilter, FailOnDemand>();
            s.AddScoped<SignInManager<PortalUser>, FailingSignIn>();
        });

    [Fact]
    public async Task An_unhandled_error_answers_500_with_a_page_that_says_what_happened_and_what_to_do()
    {
        using var client = Portal.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri(FailingPath, UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"error-page\"", page, StringComparison.Ordinal);
        Assert.Contains("Something went wrong", page, StringComparison.Ordinal);
        Assert.Contains("try again", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/shares\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Failing on demand", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_in_a_form_post_shows_the_same_page()
    {
        using var client = Portal.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

        using var response = await PortalSignIn.PostAsync(client, TestPortal.TenantEmail, PortalLookups.Password, "/shares");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_form_posted_to_an_address_that_takes_none_gets_a_page_not_a_bare_status()
    {
        using var client = Portal.CreateClient(new() { AllowAutoRedirect = false });
        using var body = new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "x" });

        using var response = await client.PostAsync(new Uri("/no/such/page", UriKind.Relative), body);

        Assert.InRange((int)response.StatusCode, 404, 405);
        Assert.Contains("Go to your shares", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_address_answers_404_with_a_page_that_offers_the_way_back()
    {
        using var client = Portal.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri("/no/such/page", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"not-found-page\"", page, StringComparison.Ordinal);
        Assert.Contains("does not exist", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/shares\"", page, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _portal?.Dispose();
        _data.Delete(recursive: true);
    }

    /// <summary>
    /// Throws at <see cref="FailingPath"/>. Added after the portal's own pipeline, so it runs inside the portal's
    /// exception handler, where an error in a page or endpoint would.
    /// </summary>
    private sealed class FailOnDemand : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate rest) => context.Request.Path == FailingPath
                ? throw new InvalidOperationException("Failing on demand")
                : rest(context));
        };
    }

    /// <summary>A sign-in that fails inside the form post's endpoint, as a database error would.</summary>
    private sealed class FailingSignIn(UserManager<PortalUser> users, IHttpContextAccessor http, IUserClaimsPrincipalFactory<PortalUser> claims,
        IOptions<IdentityOptions> options, ILogger<SignInManager<PortalUser>> log, IAuthenticationSchemeProvider schemes,
        IUserConfirmation<PortalUser> confirmation) : SignInManager<PortalUser>(users, http, claims, options, log, schemes, confirmation)
    {
        public override Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure) =>
            throw new InvalidOperationException("Failing on demand");
    }
}
