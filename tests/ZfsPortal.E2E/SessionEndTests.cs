using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

[Collection(PortalGroup.Name)]
public sealed class SessionEndTests(PortalFixture portal)
{
    /// <summary>The fixture's pages re-check their user every second; this leaves room for a busy machine.</summary>
    private const float RevalidationTimeoutMs = 15_000;

    [Fact]
    public Task Signing_out_in_one_browser_sends_the_same_users_open_page_in_another_to_sign_in() =>
        portal.RunInBrowserAsync(nameof(Signing_out_in_one_browser_sends_the_same_users_open_page_in_another_to_sign_in), async leaver =>
        {
            await using var stayer = await portal.NewSessionAsync(nameof(Signing_out_in_one_browser_sends_the_same_users_open_page_in_another_to_sign_in) + "-other");
            await stayer.SignInAsTenantAsync();
            await stayer.WaitForInteractiveAsync();
            await leaver.SignInAsTenantAsync();
            await leaver.WaitForInteractiveAsync();
            var loginUrl = new System.Text.RegularExpressions.Regex(@"/account/login(\?.*)?$");

            await leaver.Page.GetByRole(AriaRole.Button, new() { Name = "User menu" }).ClickAsync();
            await leaver.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            await Expect(leaver.Page).ToHaveURLAsync(loginUrl);

            // Nobody touches the other page: its circuit finds the account's stamp changed and sends it to sign in.
            await Expect(stayer.Page).ToHaveURLAsync(loginUrl, new() { Timeout = RevalidationTimeoutMs });
            // Its cookie is refused as well.
            await stayer.Page.GotoAsync("/shares");
            await Expect(stayer.Page).ToHaveURLAsync(loginUrl);
        });
}
