using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Features.Account;

/// <summary>Sign-out and a password change end the account's other sessions; the cookie's stamp is checked on every request here.</summary>
[Collection("storage-host")]
public sealed class SessionEndTests(StorageHostFixture host) : IDisposable
{
    private const string NewPassword = "Another-passw0rd!";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-signin-");
    private TestPortal? _portal;

    private TestPortal Portal => _portal ??= PortalLookups.Start(host, _data, runJobs: false,
        settings: new Dictionary<string, string?> { ["Portal:SignIn:SessionCheckSeconds"] = "0" });

    [Fact]
    public async Task Signing_out_on_one_client_ends_the_same_users_session_on_another()
    {
        using var a = await Portal.SignedInClientAsync(TestPortal.TenantEmail);
        using var b = await Portal.SignedInClientAsync(TestPortal.TenantEmail);
        using var admin = await Portal.SignedInClientAsync(TestPortal.AdminEmail);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(b));

        using (var signOut = await PortalForms.PostAsync(a, "/account/logout", [], formPage: "/account/password"))
            Assert.Equal("/account/login", signOut.Headers.Location?.OriginalString);

        Assert.True(await IsSentToSignInAsync(b));
        Assert.True(await IsSentToSignInAsync(a));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(admin));
    }

    [Fact]
    public async Task Changing_the_password_ends_the_other_sessions_and_keeps_this_one()
    {
        using var a = await Portal.SignedInClientAsync(TestPortal.TenantEmail);
        using var b = await Portal.SignedInClientAsync(TestPortal.TenantEmail);

        using (var change = await ChangePasswordAsync(a, PortalLookups.Password, NewPassword, NewPassword))
            Assert.Equal("/account/password?changed=true", change.Headers.Location?.PathAndQuery);

        Assert.True(await IsSentToSignInAsync(b));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(a));
        Assert.Contains("Your password is changed", await a.GetStringAsync(new Uri("/account/password?changed=true", UriKind.Relative)), StringComparison.Ordinal);
        using var fresh = PortalForms.Client(Portal, "192.0.2.20");
        Assert.StartsWith("/account/login?error=failed", await PortalForms.SignInAsync(fresh, TestPortal.TenantEmail, PortalLookups.Password), StringComparison.Ordinal);
        Assert.Equal("/shares", await PortalForms.SignInAsync(fresh, TestPortal.TenantEmail, NewPassword));
    }

    [Fact]
    public async Task A_wrong_current_password_or_a_mismatched_confirmation_changes_nothing_and_says_why()
    {
        using var a = await Portal.SignedInClientAsync(TestPortal.TenantEmail);
        using var b = await Portal.SignedInClientAsync(TestPortal.TenantEmail);

        using var wrong = await ChangePasswordAsync(a, "Not-the-passw0rd!", NewPassword, NewPassword);
        using var mismatch = await ChangePasswordAsync(a, PortalLookups.Password, NewPassword, NewPassword + "x");
        using var tooShort = await ChangePasswordAsync(a, PortalLookups.Password, "Short1!", "Short1!");

        Assert.Contains("The current password is wrong.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("The two new passwords differ", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("at least 12 characters", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(b));
        using var fresh = PortalForms.Client(Portal, "192.0.2.21");
        Assert.Equal("/shares", await PortalForms.SignInAsync(fresh, TestPortal.TenantEmail, PortalLookups.Password));
    }

    [Fact]
    public async Task An_open_circuit_loses_a_user_whose_stamp_changed()
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<PortalUser>>();
        var user = (await signIn.UserManager.FindByEmailAsync(TestPortal.TenantEmail))!;
        var principal = await signIn.CreateUserPrincipalAsync(user);
        var stampClaim = signIn.Options.ClaimsIdentity.SecurityStampClaimType;
        Assert.True(await SessionRevalidation.IsCurrentAsync(signIn.UserManager, principal, stampClaim));

        await signIn.UserManager.UpdateSecurityStampAsync(user);

        Assert.False(await SessionRevalidation.IsCurrentAsync(signIn.UserManager, principal, stampClaim));
    }

    private static Task<HttpResponseMessage> ChangePasswordAsync(HttpClient client, string current, string next, string confirm) =>
        PortalForms.PostAsync(client, "/account/password", new()
        {
            ["_handler"] = "change-password", ["Input.Current"] = current, ["Input.New"] = next, ["Input.Confirm"] = confirm,
        });

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/shares", UriKind.Relative));
        return response.StatusCode;
    }

    private static async Task<bool> IsSentToSignInAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri("/shares", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.Redirect
               && response.Headers.Location!.PathAndQuery.StartsWith("/account/login", StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _portal?.Dispose();
        _data.Delete(recursive: true);
    }
}
