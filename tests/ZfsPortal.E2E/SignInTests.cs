using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

[Collection(PortalGroup.Name)]
public sealed class SignInTests(PortalFixture portal)
{
    [Fact]
    public Task Signed_out_visitor_is_sent_to_sign_in_and_a_wrong_password_is_refused() =>
        portal.RunInBrowserAsync(nameof(Signed_out_visitor_is_sent_to_sign_in_and_a_wrong_password_is_refused), async s =>
        {
            var page = s.Page;
            await page.GotoAsync("/shares");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/account/login(\?.*)?$"));
            await Expect(page.Locator("#email")).ToBeVisibleAsync();
            await Expect(page.Locator("#password")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=share-list], [data-testid=shares-empty]")).ToHaveCountAsync(0);

            await page.Locator("#email").FillAsync(PortalFixture.TenantEmail);
            await page.Locator("#password").FillAsync("Not-the-password-42!");
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.Locator("[data-testid=login-error]")).ToHaveTextAsync("The email or password is wrong.");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/account/login\?"));

            // Still signed out: the list stays out of reach.
            await page.GotoAsync("/shares");
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/account/login(\?.*)?$"));

            // The right password from the same page gets in and lands on the shares list.
            await page.Locator("#email").FillAsync(PortalFixture.TenantEmail);
            await page.Locator("#password").FillAsync(PortalFixture.TenantPassword);
            await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(BrowserSession.SharesListUrl());
            await Expect(page.Locator("[data-testid=share-list], [data-testid=shares-empty]")).ToBeVisibleAsync();
        });
}
