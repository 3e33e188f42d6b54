using ZfsPortal.Data;
using ZfsPortal.Features.Access;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Access;

public sealed class AccessRuleTests : IDisposable
{
    private readonly TestWorld _world = new();

    [Fact]
    public async Task An_allowed_address_becomes_active_and_is_exported_with_its_options()
    {
        // no_root_squash is for types whose export policy allows it (not the default).
        _world.SetExportPolicy(ExportPolicy.Default with { NoRootSquashAllowed = true });
        var (share, member, _) = await _world.AvailableShareAsync();

        var result = await _world.Access.AllowAsync(member, share.Id, " 203.0.113.154 ", "rw", rootSquash: false);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal((AccessRuleState.QueuedToApply, AccessRulesStatus.Syncing),
            (_world.RulesOf(share.Id).Single().State, _world.Share(share.Id).AccessRulesStatus));
        await _world.RunQueuedJobsAsync();

        var rule = Assert.Single(_world.RulesOf(share.Id));
        Assert.Equal(("203.0.113.154", AccessRuleState.Active), (rule.Target, rule.State));
        Assert.Equal(AccessRulesStatus.Active, _world.Share(share.Id).AccessRulesStatus);
        var exported = Assert.Single(await ExportsAsync(share));
        Assert.Equal(("203.0.113.154", NfsAccessLevel.ReadWrite, false), (exported.Target.Canonical, exported.Level, exported.RootSquash));
    }

    [Fact]
    public async Task A_denied_rule_is_removed_and_the_host_no_longer_lists_the_client()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        await _world.Access.AllowAsync(member, share.Id, "203.0.113.154", "rw");
        await _world.Access.AllowAsync(member, share.Id, "198.51.100.0/24", "ro");
        await _world.RunQueuedJobsAsync();
        var rule = _world.RulesOf(share.Id).Single(r => r.Target == "203.0.113.154");

        Assert.True((await _world.Access.DenyAsync(member, rule.Id)).Succeeded);
        Assert.Equal(AccessRuleState.QueuedToDeny, _world.RulesOf(share.Id).Single(r => r.Id == rule.Id).State);
        await _world.RunQueuedJobsAsync();

        Assert.Equal(["198.51.100.0/24"], _world.RulesOf(share.Id).Select(r => r.Target));
        Assert.Equal(["198.51.100.0/24"], (await ExportsAsync(share)).Select(c => c.Target.Canonical));
    }

    [Theory]
    [InlineData("nfs.example.com")]
    [InlineData("999.1.1.1")]
    [InlineData("10.0.0.0/33")]
    [InlineData("")]
    [InlineData("203.0.113.5 198.51.100.1")]
    [InlineData("'203.0.113.5'")]
    [InlineData("203.0.113.5;reboot")]
    [InlineData("$(reboot)")]
    [InlineData("203.0.113.5\nreboot")]
    [InlineData("`id`")]
    [InlineData("010.0.0.1")]
    public async Task A_bad_access_target_is_refused_with_a_message_and_changes_nothing(string target)
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        var commandsBefore = _world.Fake.Commands.Count;

        var result = await _world.Access.AllowAsync(member, share.Id, target, "rw");

        Assert.False(string.IsNullOrWhiteSpace(result.Errors[AccessService.TargetField]));
        Assert.Empty(_world.RulesOf(share.Id));
        Assert.Equal(commandsBefore, _world.Fake.Commands.Count);
        Assert.Equal(AccessRulesStatus.Active, _world.Share(share.Id).AccessRulesStatus);
    }

    [Theory]
    [InlineData("rx", "'rx' is not an access level")]
    [InlineData("RW ", "'RW' is not an access level")]
    [InlineData("", "Choose an access level")]
    public async Task An_unknown_access_level_is_refused(string level, string message)
    {
        var (share, member, _) = await _world.AvailableShareAsync();

        var result = await _world.Access.AllowAsync(member, share.Id, "203.0.113.5", level);

        Assert.Contains(message, result.Errors[AccessService.LevelField], StringComparison.Ordinal);
        Assert.Empty(_world.RulesOf(share.Id));
    }

    [Fact]
    public async Task A_duplicate_rule_is_refused_and_says_what_exists()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        await _world.Access.AllowAsync(member, share.Id, "198.51.100.0/24", "ro");
        await _world.RunQueuedJobsAsync();

        var result = await _world.Access.AllowAsync(member, share.Id, "198.51.100.0/24", "rw");

        Assert.Equal("The share already has a rule for 198.51.100.0/24 (ro, active); deny it first to change it.",
            result.Errors[AccessService.TargetField]);
    }

    [Fact]
    public async Task Several_changes_in_a_row_are_applied_by_one_waiting_sync()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        var before = _world.Scheduler.Enqueued.Count;

        await _world.Access.AllowAsync(member, share.Id, "203.0.113.1", "rw");
        await _world.Access.AllowAsync(member, share.Id, "203.0.113.2", "ro");
        await _world.Access.AllowAsync(member, share.Id, "203.0.113.3", "ro");

        Assert.Equal(before + 1, _world.Scheduler.Enqueued.Count);
        await _world.RunQueuedJobsAsync();
        Assert.All(_world.RulesOf(share.Id), r => Assert.Equal(AccessRuleState.Active, r.State));
        Assert.Equal(3, (await ExportsAsync(share)).Count);
    }

    [Fact]
    public async Task A_failed_sync_marks_the_rules_and_the_share_in_error_with_what_to_do()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        await _world.Access.AllowAsync(member, share.Id, "203.0.113.1", "rw");
        _world.Fake.FailNext(new StorageHostException(StorageFailure.Unreachable, "Cannot reach the host."));

        await _world.RunQueuedJobsAsync();

        var rule = _world.RulesOf(share.Id).Single();
        Assert.Equal(AccessRuleState.Error, rule.State);
        Assert.Contains("Remove the rule and add it again", rule.StateMessage, StringComparison.Ordinal);
        Assert.Equal(AccessRulesStatus.Error, _world.Share(share.Id).AccessRulesStatus);
    }

    private async Task<IReadOnlyList<NfsClientRule>> ExportsAsync(Share share)
    {
        var host = _world.Fake.Open(_world.Backend, new RecordingCommandLog());
        var mountpoint = (await host.GetDatasetPropertiesAsync(share.Dataset!, ["mountpoint"], default))!["mountpoint"];
        return await host.ReadExportsAsync(mountpoint, default);
    }

    public void Dispose() => _world.Dispose();
}
