using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.ShareTypes;

namespace ZfsPortal.Tests.Features.Access;

/// <summary>The export policy as AccessService.AllowAsync applies it: refused rules change nothing and say which policy refused them.</summary>
public sealed class ExportPolicyTests : IDisposable
{
    private readonly TestWorld _world = new();

    private void AssertNothingChanged(Share share, int commandsBefore, int operationsBefore)
    {
        Assert.Empty(_world.RulesOf(share.Id));
        Assert.Equal(commandsBefore, _world.Fake.Commands.Count);
        Assert.Equal(operationsBefore, _world.OperationsOf(share.Id).Count);
        Assert.Equal(AccessRulesStatus.Active, _world.Share(share.Id).AccessRulesStatus);
    }

    [Theory]
    [InlineData("0.0.0.0/0", "/16")]
    [InlineData("::/0", "/48")]
    [InlineData("10.0.0.0/8", "/16")]
    public async Task A_tenant_rule_wider_than_the_default_policy_is_refused_names_the_policy_and_changes_nothing(string target, string widest)
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        var (commands, operations) = (_world.Fake.Commands.Count, _world.OperationsOf(share.Id).Count);

        var result = await _world.Access.AllowAsync(member, share.Id, target, "rw", rootSquash: false, confirmed: true);

        Assert.Equal($"{target} is wider than {widest}, which share type 'default' allows; an admin can widen the share type's export policy.",
            result.Errors[AccessService.TargetField]);
        AssertNothingChanged(share, commands, operations);
    }

    [Fact]
    public async Task A_tenants_no_root_squash_is_refused_by_default()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        var (commands, operations) = (_world.Fake.Commands.Count, _world.OperationsOf(share.Id).Count);

        var result = await _world.Access.AllowAsync(member, share.Id, "203.0.113.154", "rw", rootSquash: false);

        Assert.StartsWith("Share type 'default' does not allow no_root_squash", result.Errors[AccessService.RootSquashField], StringComparison.Ordinal);
        AssertNothingChanged(share, commands, operations);
    }

    [Fact]
    public async Task A_type_an_admin_widened_admits_the_rule_and_it_is_exported()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        var t = _world.DefaultType;
        var widened = await _world.ShareTypeAdmin.UpdateAsync(_world.Admin, t.Id, new ShareTypeInput(t.Name, t.Description, true, [], true, true, false,
            null, "1", "100", ApprovalPolicy.Never, null, "", new ExportPolicyInput("", "8", "48", NoRootSquashAllowed: true, WiderNeedsApproval: false)));
        Assert.True(widened.Succeeded, widened.Error);

        var result = await _world.Access.AllowAsync(member, share.Id, "10.0.0.0/8", "rw", rootSquash: false);
        Assert.True(result.Succeeded, result.Error);
        await _world.RunQueuedJobsAsync();

        var rule = Assert.Single(_world.RulesOf(share.Id));
        Assert.Equal(("10.0.0.0/8", AccessRuleState.Active, false), (rule.Target, rule.State, rule.RootSquash));
        Assert.Contains(_world.Fake.Commands, c => c.Argv.Any(a => a.Contains("10.0.0.0/8", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_project_policy_narrows_the_type_and_its_refusal_names_the_project()
    {
        var (share, member, project) = await _world.AvailableShareAsync();
        var set = await _world.ProjectAdmin.SetExportPolicyAsync(_world.Admin, project.Id, new ExportPolicyInput("198.51.100.0/24", "16", "48", false, false));
        Assert.True(set.Succeeded, set.Error);

        var refused = await _world.Access.AllowAsync(member, share.Id, "203.0.113.5", "rw");
        var allowed = await _world.Access.AllowAsync(member, share.Id, "198.51.100.7", "rw");

        Assert.Equal($"203.0.113.5 is outside the networks project '{project.Name}' allows (198.51.100.0/24); "
                     + "an admin can add it to the project's export policy.", refused.Errors[AccessService.TargetField]);
        Assert.True(allowed.Succeeded, allowed.Error);
        Assert.Equal(["198.51.100.7"], _world.RulesOf(share.Id).Select(r => r.Target));
    }

    [Fact]
    public async Task A_tenant_exporting_to_the_world_where_the_policy_allows_it_must_confirm_first()
    {
        _world.SetExportPolicy(ExportPolicy.Default with { WidestIPv4Prefix = 0 });
        var (share, member, _) = await _world.AvailableShareAsync();

        var unconfirmed = await _world.Access.AllowAsync(member, share.Id, "0.0.0.0/0", "ro");
        Assert.Equal("0.0.0.0/0 exports this share to every IPv4 client, anywhere.", unconfirmed.Errors[AccessService.ConfirmField]);
        Assert.Empty(_world.RulesOf(share.Id));

        Assert.True((await _world.Access.AllowAsync(member, share.Id, "0.0.0.0/0", "ro", confirmed: true)).Succeeded);
    }

    [Fact]
    public async Task An_admin_may_go_beyond_the_policy_once_warned_and_the_audit_says_it_was_confirmed()
    {
        var (share, _, _) = await _world.AvailableShareAsync();

        var unconfirmed = await _world.Access.AllowAsync(_world.Admin, share.Id, "0.0.0.0/0", "rw", rootSquash: false);
        Assert.StartsWith("0.0.0.0/0 exports this share to every IPv4 client, anywhere. It goes beyond the export policy",
            unconfirmed.Errors[AccessService.ConfirmField], StringComparison.Ordinal);
        Assert.Empty(_world.RulesOf(share.Id));

        Assert.True((await _world.Access.AllowAsync(_world.Admin, share.Id, "0.0.0.0/0", "rw", rootSquash: false, confirmed: true)).Succeeded);
        await _world.RunQueuedJobsAsync();
        Assert.Equal(AccessRuleState.Active, Assert.Single(_world.RulesOf(share.Id)).State);
        await using var db = _world.Db.CreateDbContext();
        var entry = await db.Audit.SingleAsync(a => a.Action == "access.allow");
        Assert.Contains("confirmed: 0.0.0.0/0 exports this share", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_made_before_the_policy_narrowed_keep_working()
    {
        _world.SetExportPolicy(ExportPolicy.Default with { WidestIPv4Prefix = 8 });
        var (share, member, _) = await _world.AvailableShareAsync();
        Assert.True((await _world.Access.AllowAsync(member, share.Id, "10.0.0.0/8", "rw")).Succeeded);
        await _world.RunQueuedJobsAsync();

        _world.SetExportPolicy(ExportPolicy.Default);
        Assert.True((await _world.Access.AllowAsync(member, share.Id, "203.0.113.5", "rw")).Succeeded);
        await _world.RunQueuedJobsAsync();

        Assert.All(_world.RulesOf(share.Id), r => Assert.Equal(AccessRuleState.Active, r.State));
    }

    public void Dispose() => _world.Dispose();
}
