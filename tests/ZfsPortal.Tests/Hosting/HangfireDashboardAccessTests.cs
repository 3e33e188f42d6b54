using System.Net;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Hosting;

[Collection("storage-host")]
public sealed class HangfireDashboardAccessTests(StorageHostFixture host) : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-web-");
    private TestPortal? _portal;

    private TestPortal Portal => _portal ??= PortalLookups.Start(host, _data);

    [Fact]
    public async Task A_visitor_who_is_not_signed_in_is_sent_to_the_sign_in_page()
    {
        using var client = Portal.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(new Uri("/hangfire", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_may_not_open_the_job_dashboard()
    {
        using var tenant = await Portal.SignedInClientAsync(TestPortal.TenantEmail);

        using var response = await tenant.GetAsync(new Uri("/hangfire", UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Hangfire", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_sees_the_job_dashboard()
    {
        using var admin = await Portal.SignedInClientAsync(TestPortal.AdminEmail);

        using var response = await admin.GetAsync(new Uri("/hangfire", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Hangfire Dashboard", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _portal?.Dispose();
        _data.Delete(recursive: true);
    }
}
