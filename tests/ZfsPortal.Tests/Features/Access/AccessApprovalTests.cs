using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Features.Account;

namespace ZfsPortal.Tests.Features.Access;

/// <summary>A type whose export policy lets wider rules wait: the rule waits for an admin, who applies or rejects it.</summary>
public sealed class AccessApprovalTests : IDisposable
{
    private readonly TestWorld _world = new();

    private async Task<(Share Share, AccessRule Rule, CurrentUser Member)> WaitingRuleAsync()
    {
        _world.SetExportPolicy(ExportPolicy.Default with { WiderNeedsApproval = true });
        var (share, member, _) = await _world.AvailableShareAsync();
        var result = await _world.Access.AllowAsync(member, share.Id, "10.0.0.0/8", "rw");
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("10.0.0.0/8 is wider than /16, which share type 'default' allows, so it waits for an admin's approval.", result.Notice);
        return (share, _world.RulesOf(share.Id).Single(), member);
    }

    [Fact]
    public async Task A_wider_rule_waits_with_why_and_nothing_reaches_the_host()
    {
        var commands = _world.Fake.Commands.Count;
        var (share, rule, _) = await WaitingRuleAsync();
        await _world.RunQueuedJobsAsync();

        Assert.Equal(AccessRuleState.AwaitingApproval, rule.State);
        Assert.Equal("awaiting_approval", rule.State.ToManila());
        Assert.StartsWith("10.0.0.0/8 is wider than /16", rule.StateMessage, StringComparison.Ordinal);
        Assert.Equal(AccessRulesStatus.Active, _world.Share(share.Id).AccessRulesStatus);
        Assert.DoesNotContain(_world.Fake.Commands.Skip(commands), c => c.Argv.Any(a => a.Contains("10.0.0.0/8", StringComparison.Ordinal)));
        var pending = Assert.Single(await _world.AccessApprovals.ListPendingAsync(_world.Admin));
        Assert.Equal((rule.Id, "10.0.0.0/8", "rw"), (pending.RuleId, pending.Target, pending.Level));
        Assert.Equal(1, await _world.Approvals.CountPendingAsync(_world.Admin));
    }

    [Fact]
    public async Task An_approved_rule_is_applied_like_any_other()
    {
        var (share, rule, _) = await WaitingRuleAsync();

        Assert.True((await _world.AccessApprovals.ApproveAsync(_world.Admin, rule.Id)).Succeeded);
        await _world.RunQueuedJobsAsync();

        var applied = Assert.Single(_world.RulesOf(share.Id));
        Assert.Equal((AccessRuleState.Active, null), (applied.State, applied.StateMessage));
        Assert.Contains(_world.Fake.Commands, c => c.Argv.Any(a => a.Contains("10.0.0.0/8", StringComparison.Ordinal)));
        Assert.Empty(await _world.AccessApprovals.ListPendingAsync(_world.Admin));
    }

    [Fact]
    public async Task A_rejected_rule_says_why_and_its_tenant_removes_it_without_a_sync()
    {
        var (share, rule, member) = await WaitingRuleAsync();
        Assert.Equal("Give a reason; the requester reads it.",
            (await _world.AccessApprovals.RejectAsync(_world.Admin, rule.Id, " ")).Errors[AccessApprovalService.ReasonField]);

        Assert.True((await _world.AccessApprovals.RejectAsync(_world.Admin, rule.Id, "Use the lab's /24.")).Succeeded);
        var rejected = Assert.Single(_world.RulesOf(share.Id));
        Assert.Equal((AccessRuleState.Rejected, "Rejected by an admin: Use the lab's /24."), (rejected.State, rejected.StateMessage));

        var operations = _world.OperationsOf(share.Id).Count;
        Assert.True((await _world.Access.DenyAsync(member, rule.Id)).Succeeded);
        Assert.Empty(_world.RulesOf(share.Id));
        Assert.Equal(operations, _world.OperationsOf(share.Id).Count);
    }

    [Fact]
    public async Task Only_admins_decide_on_waiting_rules()
    {
        var (_, rule, member) = await WaitingRuleAsync();

        Assert.Equal("Only admins may approve or reject access rules.", (await _world.AccessApprovals.ApproveAsync(member, rule.Id)).Error);
        Assert.Empty(await _world.AccessApprovals.ListPendingAsync(member));
        Assert.Equal(AccessRuleState.AwaitingApproval, _world.RulesOf(rule.ShareId).Single().State);
    }

    public void Dispose() => _world.Dispose();
}
