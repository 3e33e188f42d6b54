using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Hosting;

[Collection("storage-host")]
public sealed partial class SecurityHeadersTests(StorageHostFixture host) : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-web-");
    private TestPortal? _portal;

    [Fact]
    public async Task A_page_carries_a_tight_csp_whose_nonce_its_inline_scripts_use_and_the_usual_headers()
    {
        _portal = PortalLookups.Start(host, _data, runJobs: false);
        using var client = await _portal.SignedInClientAsync(TestPortal.TenantEmail);

        using var response = await client.GetAsync(new Uri("/shares", UriKind.Relative));

        var csp = Header(response, "Content-Security-Policy");
        var nonce = Nonce().Match(csp).Groups[1].Value;
        Assert.NotEmpty(nonce);
        foreach (var directive in new[] { "default-src 'self'", "style-src 'self' 'unsafe-inline'", "connect-src 'self'",
                     "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'" })
            Assert.Contains(directive, csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();
        var inline = InlineScript().Matches(html);
        Assert.NotEmpty(inline);
        Assert.All(inline, m => Assert.Contains($"nonce=\"{nonce}\"", m.Value, StringComparison.Ordinal));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS over plain HTTP");

        // Every response gets a fresh nonce, and a redirect carries the headers too.
        using var again = await client.GetAsync(new Uri("/shares", UriKind.Relative));
        Assert.NotEqual(csp, Header(again, "Content-Security-Policy"));
        using var anonymous = _portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var redirect = await anonymous.GetAsync(new Uri("/shares", UriKind.Relative));
        Assert.Equal("nosniff", Header(redirect, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task Outside_development_an_https_request_gets_hsts_and_a_plain_one_does_not()
    {
        _portal = PortalLookups.Start(host, _data, runJobs: false, settings: new Dictionary<string, string?> { ["environment"] = "Production" });
        using var https = _portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://portal.example"), AllowAutoRedirect = false });
        using var http = _portal.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://portal.example"), AllowAutoRedirect = false });

        using var secure = await https.GetAsync(new Uri("/account/login", UriKind.Relative));
        using var plain = await http.GetAsync(new Uri("/account/login", UriKind.Relative));

        Assert.StartsWith("max-age=", Header(secure, "Strict-Transport-Security"), StringComparison.Ordinal);
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";

    [GeneratedRegex("script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'")]
    private static partial Regex Nonce();

    /// <summary>Script elements without a src: the ones a CSP without 'unsafe-inline' admits only by nonce.</summary>
    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>")]
    private static partial Regex InlineScript();

    public void Dispose()
    {
        _portal?.Dispose();
        _data.Delete(recursive: true);
    }
}
