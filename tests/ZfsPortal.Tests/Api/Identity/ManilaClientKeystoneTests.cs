using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Api.Identity;

/// <summary>
/// Debian's <c>manila</c> client configured as an openrc configures it (<c>OS_AUTH_URL</c>, user, password, project; no
/// bypass URL): it signs in at the portal's /identity/v3, finds the share endpoint in the catalog and works there.
/// </summary>
[Collection("storage-host")]
public sealed class ManilaClientKeystoneTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-manila-keystone-");
    private TestPortal _portal = null!;
    private Uri _url = null!;

    public Task InitializeAsync()
    {
        _portal = PortalLookups.Start(host, _data);
        _url = _portal.StartOnKestrel();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_manila_client_signs_in_with_a_password_and_works_in_the_named_project()
    {
        var tenant = ManilaCli.WithKeystone(_url, TestPortal.TenantEmail, PortalLookups.Password, TestPortal.DemoProject);
        var created = await tenant.RunAsync("create", "NFS", "1", "--name", "viakeystone");
        var shareId = Guid.Parse(ManilaCli.Field(created, "id"));
        var waits = new PortalWaits(_portal, TimeSpan.FromSeconds(90));
        var share = await waits.ShareAsync(shareId, s => s.Status == ShareStatus.Available);
        Assert.Equal(await PortalLookups.DemoProjectAsync(_portal.Services), share.ProjectId);
        Assert.Equal(PortalWaits.Gib(1), (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);
        Assert.Equal("available", ManilaCli.Field(await tenant.RunAsync("show", "viakeystone"), "status"));
        // Without --tenant the client asks Keystone which project it is in.
        Assert.Matches(@"\|\s*gigabytes\s*\|\s*1000\s*\|", await tenant.RunAsync("quota-show"));
        await tenant.RunAsync("delete", "viakeystone");
        await waits.ShareGoneAsync(shareId);
        Assert.Null(await host.ZfsGetAsync(share.Dataset!, "refquota"));

        // A wrong password fails the command and counts toward the browser's lockout.
        var wrong = ManilaCli.WithKeystone(_url, TestPortal.TenantEmail, "not-the-password", TestPortal.DemoProject);
        var (exit, _, stderr) = await wrong.TryAsync("list");
        Assert.NotEqual(0, exit);
        Assert.Matches(new Regex("401|[Aa]uthentication|Unauthorized"), stderr);
        await using var db = await _portal.Db.CreateDbContextAsync();
        Assert.Equal(1, (await db.Users.SingleAsync(u => u.Email == TestPortal.TenantEmail)).AccessFailedCount);
        // A project the tenant is not in is refused at sign-in, before any share call.
        var elsewhere = ManilaCli.WithKeystone(_url, TestPortal.TenantEmail, PortalLookups.Password, "nobodys-project");
        Assert.NotEqual(0, (await elsewhere.TryAsync("list")).Exit);
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        _data.Delete(recursive: true);
    }
}
