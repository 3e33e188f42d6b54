using ZfsPortal.Data;
using ZfsPortal.Features.Operations;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Shares.Create;

namespace ZfsPortal.Tests.Features.Projects;

/// <summary>A tenant never sees or changes another project's shares, snapshots, rules or operations, whatever id they try.</summary>
public sealed class IsolationTests : IDisposable
{
    private readonly TestWorld _world = new();

    [Fact]
    public async Task Another_projects_share_snapshot_rule_and_operations_are_invisible_and_untouchable()
    {
        var (share, owner, project) = await _world.AvailableShareAsync();
        var snapshotId = (await _world.Snapshots.CreateAsync(owner, share.Id, "mine", null)).Id!.Value;
        var ruleId = (await _world.Access.AllowAsync(owner, share.Id, "203.0.113.10", "rw")).Id!.Value;
        await _world.RunQueuedJobsAsync();
        var (_, stranger) = _world.AddProjectWithMember("other");
        var operations = new OperationQueries(_world.Db);
        var operationId = _world.OperationsOf(share.Id)[0].Id;

        Assert.DoesNotContain(await _world.Queries.ListAsync(stranger, null), r => r.Id == share.Id);
        Assert.Empty(await _world.Queries.ListAsync(stranger, project.Id));
        Assert.Null(await _world.Queries.GetAsync(stranger, share.Id));
        Assert.Null(await new ProjectQueries(_world.Db).OverviewAsync(stranger, project.Id));
        Assert.DoesNotContain((await operations.PageAsync(stranger, null, 0, 100)).Rows, o => o.ShareId == share.Id);
        Assert.Empty(await operations.CommandsAsync(stranger, operationId));

        Assert.False((await _world.Snapshots.DeleteAsync(stranger, snapshotId)).Succeeded);
        Assert.False((await _world.Access.DenyAsync(stranger, ruleId)).Succeeded);
        Assert.False((await _world.DeleteShares.DeleteAsync(stranger, share.Id)).Succeeded);
        Assert.False((await _world.Resize.ShrinkAsync(stranger, share.Id, "1")).Succeeded);
        Assert.False((await _world.CreateShares.CreateAsync(stranger,
            new ZfsPortal.Features.Shares.Create.CreateShareRequest(project.Id, _world.DefaultType.Id, "intruder", null, "1"))).Succeeded);
        Assert.False((await _world.CreateShares.CreateAsync(stranger,
            new ZfsPortal.Features.Shares.Create.CreateShareRequest(project.Id, _world.DefaultType.Id, "copy", null, "5", snapshotId))).Succeeded);

        Assert.Equal(SnapshotStatus.Available, _world.Snapshot(snapshotId)!.Status);
        Assert.Equal(AccessRuleState.Active, _world.RulesOf(share.Id).Single().State);
        Assert.Equal(ShareStatus.Available, _world.Share(share.Id).Status);
    }

    [Fact]
    public async Task A_snapshot_of_another_project_cannot_seed_a_share_in_mine()
    {
        var (share, owner, _) = await _world.AvailableShareAsync();
        var snapshotId = (await _world.Snapshots.CreateAsync(owner, share.Id, "mine", null)).Id!.Value;
        await _world.RunQueuedJobsAsync();
        var (mine, me) = _world.AddProjectWithMember("thief");

        var result = await _world.CreateShares.CreateAsync(me,
            new ZfsPortal.Features.Shares.Create.CreateShareRequest(mine.Id, _world.DefaultType.Id, "loot", null, "5", snapshotId));

        Assert.Equal("That snapshot does not exist in this project.", result.Error);
    }

    [Fact]
    public async Task Admins_see_everything()
    {
        var (share, _, project) = await _world.AvailableShareAsync();

        Assert.Contains(await _world.Queries.ListAsync(_world.Admin, null), r => r.Id == share.Id);
        Assert.NotNull(await _world.Queries.GetAsync(_world.Admin, share.Id));
        Assert.NotNull(await new ProjectQueries(_world.Db).OverviewAsync(_world.Admin, project.Id));
    }

    public void Dispose() => _world.Dispose();
}
