using Bunit;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Shares;

/// <summary>Ready mount commands per client OS on the share page, and the warning while no rule lets a client in.</summary>
public sealed class MountInstructionsTests : MudTestContext
{
    private const string Location = "192.0.2.4:/zfsportal/share_1";

    public MountInstructionsTests()
    {
        Interactive();
        Render<MudBlazor.MudPopoverProvider>();
        Render<MudBlazor.MudSnackbarProvider>();
    }

    private static AccessRuleView Rule(AccessRuleState state) =>
        new(Guid.NewGuid(), "ip", "198.51.100.0/24", NfsAccessLevel.ReadWrite, true, state, null);

    private IRenderedComponent<MountInstructions> Render(params AccessRuleView[] rules) => Render<MountInstructions>(ps => ps
        .Add(p => p.ExportLocation, Location).Add(p => p.ShareName, "team data; rm -rf /").Add(p => p.Rules, rules));

    private static string Command(IRenderedComponent<MountInstructions> cut, string key) => cut.Find($"[data-mount='{key}']").TextContent;

    [Fact]
    public void Every_client_os_gets_its_commands_with_a_directory_that_is_safe_in_a_shell()
    {
        var cut = Render(Rule(AccessRuleState.Active));

        Assert.Equal("sudo mkdir -p /mnt/team_data__rm_-rf__ && sudo mount -t nfs -o vers=4 192.0.2.4:/zfsportal/share_1 /mnt/team_data__rm_-rf__",
            Command(cut, "linux-v4"));
        Assert.Equal(Command(cut, "linux-v4"), cut.Find("[data-testid=mount-command]").TextContent);
        Assert.Contains("-o vers=3 192.0.2.4:/zfsportal/share_1", Command(cut, "linux-v3"), StringComparison.Ordinal);
        Assert.Equal("192.0.2.4:/zfsportal/share_1  /mnt/team_data__rm_-rf__  nfs  vers=4,_netdev,nofail  0  0", Command(cut, "linux-fstab"));
        Assert.Equal("sudo mkdir -p /Volumes/team_data__rm_-rf__ && sudo mount -t nfs -o resvport 192.0.2.4:/zfsportal/share_1 /Volumes/team_data__rm_-rf__",
            Command(cut, "macos"));
        Assert.Contains("ClientForNFS-Infrastructure", Command(cut, "windows-feature"), StringComparison.Ordinal);
        Assert.Equal(@"mount -o anon \\192.0.2.4\zfsportal\share_1 *", Command(cut, "windows"));
        Assert.Equal(["Linux", "macOS", "Windows"], cut.FindAll(".mud-tab").Select(t => t.TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=mount-no-access]"));
    }

    [Fact]
    public void Each_copy_button_copies_its_own_command()
    {
        var copy = JSInterop.Setup<bool>("zfsPortal.copyText", _ => true).SetResult(true);
        var cut = Render(Rule(AccessRuleState.Active));

        cut.Find("[data-testid=copy-windows] button, button[data-testid=copy-windows]").Click();
        cut.Find("[data-testid=copy-linux-fstab] button, button[data-testid=copy-linux-fstab]").Click();

        Assert.Equal([Command(cut, "windows"), Command(cut, "linux-fstab")],
            copy.Invocations.Select(i => (string)i.Arguments[0]!));
    }

    [Fact]
    public void Without_an_active_rule_the_page_warns_that_no_client_can_mount_yet()
    {
        Assert.Equal(MountCommands.NoRulesWarning, Render().Find("[data-testid=mount-no-access]").TextContent.Trim());
        Assert.Equal(MountCommands.PendingRulesWarning,
            Render(Rule(AccessRuleState.Applying), Rule(AccessRuleState.Error)).Find("[data-testid=mount-no-access]").TextContent.Trim());
    }

    [Fact]
    public void An_ipv6_location_becomes_windows_literal_name()
    {
        var commands = MountCommands.For("[2001:db8::1]:/pool/s", "s");

        Assert.Equal(@"mount -o anon \\2001-db8--1.ipv6-literal.net\pool\s *", commands.Single(c => c.Key == "windows").Command);
        Assert.Contains("[2001:db8::1]:/pool/s /mnt/s", commands.Single(c => c.Key == "linux-v4").Command, StringComparison.Ordinal);
    }
}
