using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Features.Account;

[Collection("storage-host")]
public sealed class SignInAuditTests(StorageHostFixture host) : IDisposable
{
    private const string Typed = "Typed-but-wr0ng!";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-signin-");
    private TestPortal? _portal;

    private TestPortal Portal => _portal ??= PortalLookups.Start(host, _data, runJobs: false, services: PortalForms.AddressFromHeader);

    [Fact]
    public async Task A_failed_sign_in_is_in_the_audit_log_with_who_and_from_where_but_not_the_password()
    {
        using var client = PortalForms.Client(Portal, "192.0.2.10");
        await PortalForms.SignInAsync(client, TestPortal.TenantEmail, Typed);
        await PortalForms.SignInAsync(client, "nobody@example.com", Typed);

        var entries = await FailuresAsync();

        var tenant = await PortalLookups.TenantAsync(Portal.Services);
        Assert.Collection(entries,
            e => Assert.Equal((tenant.UserId, TestPortal.TenantEmail, "sign-in from 192.0.2.10", "wrong password"), (e.UserId, e.UserName, e.Target, e.Detail)),
            e => Assert.Equal(("", "nobody@example.com", "no such account"), (e.UserId, e.UserName, e.Detail)));
        Assert.All(entries, e => Assert.DoesNotContain(Typed, string.Join("|", e.UserId, e.UserName, e.Action, e.Target, e.Detail), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_successful_sign_in_leaves_no_failure_in_the_audit_log()
    {
        using var client = PortalForms.Client(Portal, "192.0.2.11");

        Assert.Equal("/shares", await PortalForms.SignInAsync(client, TestPortal.TenantEmail, PortalLookups.Password));

        Assert.Empty(await FailuresAsync());
    }

    private async Task<List<AuditEntry>> FailuresAsync()
    {
        await using var db = await Portal.Db.CreateDbContextAsync();
        return await db.Audit.AsNoTracking().Where(a => a.Action == SignInAudit.FailedAction).OrderBy(a => a.Id).ToListAsync();
    }

    public void Dispose()
    {
        _portal?.Dispose();
        _data.Delete(recursive: true);
    }
}
