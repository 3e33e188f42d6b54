using Microsoft.Extensions.Options;
using ZfsPortal.Features.Account;
using ZfsPortal.Testing;

namespace ZfsPortal.Tests.Features.Account;

[Collection("storage-host")]
public sealed class SignInLimitTests(StorageHostFixture host) : IDisposable
{
    private const string Wrong = "Not-the-passw0rd!", Throttled = "/account/login?error=throttled&returnUrl=%2Fshares";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-signin-");
    private TestPortal? _portal;

    private TestPortal Start(int perAddress, int perAccount) => _portal = PortalLookups.Start(host, _data, runJobs: false,
        settings: new Dictionary<string, string?>
        {
            ["Portal:SignIn:PerAddressPerMinute"] = perAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Portal:SignIn:PerAccountPerMinute"] = perAccount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        services: PortalForms.AddressFromHeader);

    [Fact]
    public async Task Attempts_from_one_address_beyond_its_limit_are_refused_with_a_sentence()
    {
        var portal = Start(perAddress: 3, perAccount: 100);
        using var guesser = PortalForms.Client(portal, "198.51.100.7");
        for (var i = 0; i < 3; i++)
            Assert.StartsWith("/account/login?error=failed", await PortalForms.SignInAsync(guesser, $"guess{i}@example.com", Wrong), StringComparison.Ordinal);

        // The fourth is refused before the password is even checked: the right one does not get in either.
        Assert.Equal(Throttled, await PortalForms.SignInAsync(guesser, TestPortal.TenantEmail, PortalLookups.Password));
        var page = await guesser.GetStringAsync(new Uri(Throttled, UriKind.Relative));
        Assert.Contains(System.Net.WebUtility.HtmlEncode(Login.ThrottledSentence), page, StringComparison.Ordinal);

        // Another address has its own count.
        using var neighbour = PortalForms.Client(portal, "198.51.100.8");
        Assert.Equal("/shares", await PortalForms.SignInAsync(neighbour, TestPortal.TenantEmail, PortalLookups.Password));
    }

    [Fact]
    public async Task Attempts_at_one_account_from_many_addresses_beyond_its_limit_are_refused()
    {
        var portal = Start(perAddress: 100, perAccount: 2);
        using var first = PortalForms.Client(portal, "203.0.113.1");
        using var second = PortalForms.Client(portal, "2001:db8::1");
        using var third = PortalForms.Client(portal, "203.0.113.3");
        Assert.StartsWith("/account/login?error=failed", await PortalForms.SignInAsync(first, TestPortal.TenantEmail, Wrong), StringComparison.Ordinal);
        Assert.StartsWith("/account/login?error=failed", await PortalForms.SignInAsync(second, " TENANT@zfsportal.local ", Wrong), StringComparison.Ordinal);

        Assert.Equal(Throttled, await PortalForms.SignInAsync(third, TestPortal.TenantEmail, PortalLookups.Password));
        // Other accounts are not held up by it.
        Assert.Equal("/shares", await PortalForms.SignInAsync(third, TestPortal.AdminEmail, PortalLookups.Password));
    }

    [Fact]
    public async Task A_limit_of_zero_stops_the_portal_at_start_naming_the_setting()
    {
        var portal = Start(perAddress: 0, perAccount: 5);

        var failure = Assert.Throws<OptionsValidationException>(() => portal.CreateClient());

        Assert.Contains(nameof(SignInOptions.PerAddressPerMinute), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_limits_default_to_10_per_address_and_5_per_account_a_minute()
    {
        var defaults = new SignInOptions();
        Assert.Equal((10, 5, 60), (defaults.PerAddressPerMinute, defaults.PerAccountPerMinute, defaults.SessionCheckSeconds));
    }

    public void Dispose()
    {
        _portal?.Dispose();
        _data.Delete(recursive: true);
    }
}
