using ZfsPortal.Data;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares;

namespace ZfsPortal.Tests.Features.Snapshots;

public sealed class SnapshotTests : IDisposable
{
    private readonly TestWorld _world = new();

    [Fact]
    public async Task A_snapshot_is_created_on_the_host_and_becomes_available_with_its_size()
    {
        var (share, member, _) = await _world.AvailableShareAsync();

        var result = await _world.Snapshots.CreateAsync(member, share.Id, "before-upgrade", "  ");
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(SnapshotStatus.Creating, _world.Snapshot(result.Id!.Value)!.Status);
        var before = _world.Fake.Commands.Count;
        await _world.RunQueuedJobsAsync();

        var snapshot = _world.Snapshot(result.Id!.Value)!;
        Assert.Equal(SnapshotStatus.Available, snapshot.Status);
        Assert.Equal($"{share.Dataset}@zfsportal_snap_{snapshot.Id:N}", snapshot.ZfsName);
        Assert.Contains(snapshot.ZfsName, _world.Fake.SnapshotsOf(share.Dataset!));
        // One command: a new snapshot holds nothing of its own yet, so its size is known without asking.
        Assert.Equal("snapshot", Assert.Single(_world.Fake.Commands.Skip(before)).Argv[3]);
        Assert.Equal(0, snapshot.UsedBytes);
        Assert.Equal(5, snapshot.SizeGiB);
    }

    [Fact]
    public async Task Snapshot_quotas_are_checked_when_the_snapshot_is_requested()
    {
        var (share, member, _) = await _world.AvailableShareAsync(sizeGiB: 5, quotas: QuotaLimits.Defaults with { SnapshotGigabytes = 8 });
        Assert.True((await _world.Snapshots.CreateAsync(member, share.Id, "one", null)).Succeeded);

        var second = await _world.Snapshots.CreateAsync(member, share.Id, "two", null);

        Assert.Contains("10 GiB of its 8 GiB snapshot quota", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_snapshot_count_quota_is_checked()
    {
        var (share, member, _) = await _world.AvailableShareAsync(quotas: QuotaLimits.Defaults with { Snapshots = 1 });
        Assert.True((await _world.Snapshots.CreateAsync(member, share.Id, "one", null)).Succeeded);

        Assert.Contains("1 of its 1 snapshots", (await _world.Snapshots.CreateAsync(member, share.Id, "two", null)).Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Give the snapshot a name")]
    [InlineData("x;reboot", "Use letters, digits")]
    public async Task A_bad_snapshot_name_is_refused(string name, string message)
    {
        var (share, member, _) = await _world.AvailableShareAsync();

        Assert.Contains(message, (await _world.Snapshots.CreateAsync(member, share.Id, name, null)).Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_world.Fake.Commands, c => c.Argv.Contains("snapshot"));
    }

    [Fact]
    public async Task A_deleted_snapshot_is_gone_from_the_host_and_the_portal()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        var id = (await _world.Snapshots.CreateAsync(member, share.Id, "one", null)).Id!.Value;
        await _world.RunQueuedJobsAsync();
        var zfsName = _world.Snapshot(id)!.ZfsName;

        Assert.True((await _world.Snapshots.DeleteAsync(member, id)).Succeeded);
        await _world.RunQueuedJobsAsync();

        Assert.Null(_world.Snapshot(id));
        Assert.False(_world.Fake.Exists(zfsName));
    }

    [Fact]
    public async Task A_share_from_a_snapshot_is_an_independent_copy_with_its_own_size()
    {
        var (share, member, project) = await _world.AvailableShareAsync(sizeGiB: 5);
        var snapshotId = (await _world.Snapshots.CreateAsync(member, share.Id, "one", null)).Id!.Value;
        await _world.RunQueuedJobsAsync();

        var result = await _world.CreateShares.CreateAsync(member,
            new CreateShareRequest(project.Id, _world.DefaultType.Id, "restored", null, "6", snapshotId));
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(ShareStatus.CreatingFromSnapshot, _world.Share(result.Id!.Value).Status);
        await _world.RunQueuedJobsAsync();

        var copy = _world.Share(result.Id!.Value);
        Assert.Equal(ShareStatus.Available, copy.Status);
        Assert.NotEqual(share.Dataset, copy.Dataset);
        Assert.Equal(share.Pool, copy.Pool);
        Assert.Equal((6L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture), _world.Fake.Properties(copy.Dataset!)!["refquota"]);
        // Independent: the snapshot can go while the copy stays.
        Assert.True((await _world.Snapshots.DeleteAsync(member, snapshotId)).Succeeded);
        await _world.RunQueuedJobsAsync();
        Assert.Null(_world.Snapshot(snapshotId));
        Assert.True(_world.Fake.Exists(copy.Dataset!));
    }

    [Fact]
    public async Task A_share_from_a_snapshot_must_be_at_least_the_snapshots_size()
    {
        var (share, member, project) = await _world.AvailableShareAsync(sizeGiB: 5);
        var snapshotId = (await _world.Snapshots.CreateAsync(member, share.Id, "one", null)).Id!.Value;
        await _world.RunQueuedJobsAsync();

        var result = await _world.CreateShares.CreateAsync(member,
            new CreateShareRequest(project.Id, _world.DefaultType.Id, "small", null, "4", snapshotId));

        Assert.Contains("must be at least 5 GiB", result.Errors[CreateShareService.SizeField], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_share_type_without_share_from_snapshot_support_is_refused()
    {
        var noCopies = _world.AddShareType("plain", t => t.CreateShareFromSnapshotSupport = false);
        var (share, member, project) = await _world.AvailableShareAsync();
        var snapshotId = (await _world.Snapshots.CreateAsync(member, share.Id, "one", null)).Id!.Value;
        await _world.RunQueuedJobsAsync();

        var result = await _world.CreateShares.CreateAsync(member,
            new CreateShareRequest(project.Id, noCopies.Id, "copy", null, "5", snapshotId));

        Assert.Contains("does not support creating shares from snapshots", result.Errors[CreateShareService.TypeField], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clone_pins_its_snapshot_until_the_clone_is_deleted()
    {
        var clones = _world.AddShareType("clones", t => t.CloneFromSnapshot = true);
        var (share, member, project) = await _world.AvailableShareAsync();
        var snapshotId = (await _world.Snapshots.CreateAsync(member, share.Id, "one", null)).Id!.Value;
        await _world.RunQueuedJobsAsync();
        var cloneId = (await _world.CreateShares.CreateAsync(member,
            new CreateShareRequest(project.Id, clones.Id, "clone", null, "5", snapshotId))).Id!.Value;
        await _world.RunQueuedJobsAsync();
        Assert.Equal(ShareStatus.Available, _world.Share(cloneId).Status);

        var refused = await _world.Snapshots.DeleteAsync(member, snapshotId);

        Assert.Equal("Share 'clone' is a clone of this snapshot and depends on it; delete that share first.", refused.Error);
        Assert.True((await _world.DeleteShares.DeleteAsync(member, cloneId)).Succeeded);
        await _world.RunQueuedJobsAsync();
        Assert.True((await _world.Snapshots.DeleteAsync(member, snapshotId)).Succeeded);
    }

    public void Dispose() => _world.Dispose();
}
