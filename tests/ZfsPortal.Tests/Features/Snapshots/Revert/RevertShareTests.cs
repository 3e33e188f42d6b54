using ZfsPortal.Data;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Snapshots.Revert;

namespace ZfsPortal.Tests.Features.Snapshots.Revert;

public sealed class RevertShareTests : IDisposable
{
    private readonly TestWorld _world = new();

    private RevertShareService Reverts => _world.Service<RevertShareService>();

    [Fact]
    public async Task A_confirmed_revert_names_the_data_lost_rolls_back_and_leaves_the_share_available()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        var id = (await _world.Snapshots.CreateAsync(member, share.Id, "good", null)).Id!.Value;
        await _world.RunQueuedJobsAsync();
        var zfsName = _world.Snapshot(id)!.ZfsName;
        _world.Fake.SetWrittenSince(zfsName, 3 * 1024 * 1024);

        var preview = await Reverts.PreviewAsync(member, id);
        Assert.Null(preview.Refusal);
        Assert.Equal(3 * 1024 * 1024, preview.WrittenBytes);
        Assert.Equal(RevertShareService.NotConfirmed, (await Reverts.RevertAsync(member, id, confirmed: false)).Error);

        Assert.True((await Reverts.RevertAsync(member, id, confirmed: true)).Succeeded);
        Assert.Equal(ShareStatus.Reverting, _world.Share(share.Id).Status);
        Assert.Contains("reverted", (await _world.Snapshots.DeleteAsync(member, id)).Error, StringComparison.Ordinal);
        await _world.RunQueuedJobsAsync();

        Assert.Equal([zfsName], _world.Fake.RolledBack);
        var after = _world.Share(share.Id);
        Assert.Equal((ShareStatus.Available, 5), (after.Status, after.SizeGiB));
        var operation = _world.OperationsOf(share.Id).Single(o => o.Kind == OperationKind.RevertToSnapshot);
        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal("3 MiB written since good", operation.Steps[0].Detail);
    }

    [Fact]
    public async Task A_snapshot_that_is_not_the_latest_is_refused_with_the_newer_one_named()
    {
        var (share, member, project) = await _world.AvailableShareAsync();
        var older = (await _world.Snapshots.CreateAsync(member, share.Id, "older", null)).Id!.Value;
        await _world.RunQueuedJobsAsync();
        var newer = (await _world.Snapshots.CreateAsync(member, share.Id, "newer", null)).Id!.Value;
        await _world.RunQueuedJobsAsync();

        var refused = await Reverts.RevertAsync(member, older, confirmed: true);
        Assert.Equal("Only the latest snapshot can be reverted to, and 'newer' was taken after older: delete it first.", refused.Error);
        Assert.Equal(refused.Error, (await Reverts.PreviewAsync(member, older)).Refusal);

        // A clone of the newer snapshot pins it: the refusal says to delete the clone first.
        var clones = _world.AddShareType("clones", t => t.CloneFromSnapshot = true);
        Assert.True((await _world.CreateShares.CreateAsync(member, new CreateShareRequest(project.Id, clones.Id, "clone", null, "5", newer))).Succeeded);
        await _world.RunQueuedJobsAsync();
        Assert.Contains("delete share 'clone', a clone of a newer snapshot", (await Reverts.RevertAsync(member, older, true)).Error, StringComparison.Ordinal);
        Assert.Empty(_world.Fake.RolledBack);
        Assert.Equal(ShareStatus.Available, _world.Share(share.Id).Status);
    }

    public void Dispose() => _world.Dispose();
}
