using Bunit;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Account;

namespace ZfsPortal.Tests.Features.Access;

public sealed class AccessRulesPanelTests : PortalPageTestContext
{
    private async Task<(IRenderedComponent<AccessRulesPanel> Panel, IRenderedComponent<MudBlazor.MudDialogProvider> Dialogs, Share Share)> RenderAsync(
        CurrentUser? user = null, ExportPolicy? policy = null, Func<CurrentUser, Guid, Task>? before = null)
    {
        if (policy is not null)
            World.SetExportPolicy(policy);
        var (share, member, _) = await World.AvailableShareAsync();
        if (before is not null)
            await before(member, share.Id);
        SignIn(user ?? member);
        var detail = await World.Queries.GetAsync(user ?? member, share.Id);
        var (panel, dialogs) = RenderPage<AccessRulesPanel>(ps => ps.Add(p => p.Share, detail!));
        return (panel, dialogs, share);
    }

    private static void Allow(IRenderedComponent<AccessRulesPanel> panel, string target)
    {
        panel.Find("#access-target").Input(target);
        panel.Find("form").Submit();
    }

    [Fact]
    public async Task An_admin_is_warned_before_exporting_to_the_world_and_cancel_changes_nothing()
    {
        var (panel, dialogs, share) = await RenderAsync(World.Admin);

        Allow(panel, "0.0.0.0/0");

        dialogs.WaitForAssertion(() => Assert.Contains("Export to the world?", dialogs.Markup, StringComparison.Ordinal));
        Assert.Contains("0.0.0.0/0 exports this share to every IPv4 client, anywhere.", dialogs.Markup, StringComparison.Ordinal);
        Assert.Contains("wider than /16, which share type 'default' allows", dialogs.Find(".mud-dialog").TextContent, StringComparison.Ordinal);
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();
        dialogs.WaitForAssertion(() => Assert.DoesNotContain("Export to the world?", dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty(World.RulesOf(share.Id));
    }

    [Fact]
    public async Task An_admin_who_says_yes_exports_to_the_world()
    {
        var (panel, dialogs, share) = await RenderAsync(World.Admin);

        Allow(panel, "::/0");
        dialogs.WaitForAssertion(() => Assert.Contains("Allow anyway", dialogs.Markup, StringComparison.Ordinal));
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Allow anyway").Click();

        panel.WaitForAssertion(() => Assert.Equal(["::/0"], World.RulesOf(share.Id).Select(r => r.Target)));
    }

    [Fact]
    public async Task A_tenants_refused_rule_says_at_the_field_which_policy_refused_it()
    {
        var (panel, _, share) = await RenderAsync();

        Allow(panel, "0.0.0.0/0");

        panel.WaitForAssertion(() => Assert.Contains("0.0.0.0/0 is wider than /16, which share type 'default' allows; an admin can widen the share type's export policy.",
            FieldText(panel, "access-target"), StringComparison.Ordinal));
        Assert.Empty(World.RulesOf(share.Id));
    }

    [Fact]
    public async Task A_tenants_no_root_squash_is_refused_with_the_policy_named()
    {
        var (panel, _, share) = await RenderAsync();

        panel.Find("[data-testid=access-root-squash]").Change(false);
        Allow(panel, "203.0.113.154");

        panel.WaitForAssertion(() => Assert.StartsWith("Share type 'default' does not allow no_root_squash",
            panel.Find("[data-testid=access-root-squash-error]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Empty(World.RulesOf(share.Id));
    }

    [Fact]
    public async Task The_panel_tells_the_tenant_the_policy_before_they_ask()
    {
        var (panel, _, _) = await RenderAsync();

        Assert.Equal("Export policy of share type 'default': Any client, networks up to /16 (IPv4) and /48 (IPv6), root_squash only; wider rules are refused.",
            panel.Find("[data-testid=access-policy]").TextContent.Trim());
    }

    [Fact]
    public async Task A_rule_that_waits_for_approval_shows_its_state_and_why()
    {
        var (panel, _, _) = await RenderAsync(policy: ExportPolicy.Default with { WiderNeedsApproval = true },
            before: (member, shareId) => World.Access.AllowAsync(member, shareId, "10.0.0.0/8", "rw"));

        Assert.Equal("awaiting_approval", panel.Find("[data-testid=access-rule-state]").TextContent.Trim());
        Assert.StartsWith("10.0.0.0/8 is wider than /16", panel.Find("[data-testid=access-rule-message]").TextContent.Trim(), StringComparison.Ordinal);
    }
}
