using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ZfsPortal.E2E;

[Collection(PortalGroup.Name)]
public sealed class ContentSecurityPolicyTests(PortalFixture portal)
{
    [Fact]
    public Task The_portal_runs_under_its_csp_without_a_violation_and_an_injected_script_is_refused() =>
        portal.RunInBrowserAsync(nameof(The_portal_runs_under_its_csp_without_a_violation_and_an_injected_script_is_refused), async s =>
        {
            var page = s.Page;
            var sockets = new ConcurrentBag<string>();
            page.WebSocket += (_, socket) => sockets.Add(socket.Url);

            var login = await page.GotoAsync("/account/login");
            Assert.Contains("script-src 'self' 'nonce-", await login!.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
            await s.SignInAsTenantAsync();
            await s.WaitForInteractiveAsync();
            // MudBlazor writes styles as it goes: a menu's popover, the dark theme, a form's inputs.
            await page.GetByRole(AriaRole.Button, new() { Name = "User menu" }).ClickAsync();
            await Expect(page.GetByText("Change password")).ToBeVisibleAsync();
            await page.Keyboard.PressAsync("Escape");
            await page.GetByRole(AriaRole.Button, new() { Name = "Toggle dark mode" }).ClickAsync();
            await s.OpenNewShareFormAsync();
            await page.GotoAsync("/account/password");
            await Expect(page.Locator("#current")).ToBeVisibleAsync();
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            // connect-src 'self' admitted the circuit's WebSocket (refused, SignalR would fall back to long polling).
            Assert.Contains(sockets, url => url.Contains("/_blazor", StringComparison.Ordinal));
            Assert.True(s.ConsoleErrors.IsEmpty, "Console errors: " + string.Join(" | ", s.ConsoleErrors));
            Assert.True(s.PageErrors.IsEmpty, "Page errors: " + string.Join(" | ", s.PageErrors));

            // The policy is enforced, not only sent: a script without the nonce does not run, and the refusal is seen.
            var ran = await page.EvaluateAsync<bool>(
                "() => { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.head.appendChild(s); return window.injected === true; }");
            Assert.False(ran);
            for (var i = 0; i < 50 && !s.ConsoleErrors.Any(IsCspViolation); i++)
                await Task.Delay(100);
            Assert.Contains(s.ConsoleErrors, IsCspViolation);

            // Hangfire's dashboard is served under the same policy.
            await using var admin = await portal.NewSessionAsync(nameof(ContentSecurityPolicyTests) + "-admin");
            await admin.SignInAsync(PortalFixture.AdminEmail, PortalFixture.AdminPassword);
            await admin.Page.GotoAsync("/hangfire");
            await Expect(admin.Page.Locator(".navbar-brand")).ToBeVisibleAsync();
            await admin.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.True(admin.ConsoleErrors.IsEmpty, "Console errors on the dashboard: " + string.Join(" | ", admin.ConsoleErrors));
        });

    private static bool IsCspViolation(string message) => message.StartsWith(PortalFixture.CspViolation, StringComparison.Ordinal);
}
