using System.Globalization;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares.Resize;
using ZfsPortal.Features.Shares;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Shares;

/// <summary>Delete, extend and shrink over a real database and the in-memory host.</summary>
public sealed class ShareLifecycleTests : IDisposable
{
    private readonly TestWorld _world = new();

    [Fact]
    public async Task Delete_removes_the_dataset_and_the_share_is_gone()
    {
        var (share, member, _) = await _world.AvailableShareAsync();

        var result = await _world.DeleteShares.DeleteAsync(member, share.Id);
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(ShareStatus.Deleting, _world.Share(share.Id).Status);
        await _world.RunQueuedJobsAsync();

        Assert.False(_world.ShareExists(share.Id));
        Assert.False(_world.Fake.Exists(share.Dataset!));
    }

    [Fact]
    public async Task Delete_is_refused_while_snapshots_exist_and_says_how_many()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        await _world.Snapshots.CreateAsync(member, share.Id, "one", null);
        await _world.Snapshots.CreateAsync(member, share.Id, "two", null);
        await _world.RunQueuedJobsAsync();

        var result = await _world.DeleteShares.DeleteAsync(member, share.Id);

        Assert.Equal("The share has 2 snapshots; delete them first, then delete the share.", result.Error);
        Assert.Equal(ShareStatus.Available, _world.Share(share.Id).Status);
        Assert.True(_world.Fake.Exists(share.Dataset!));
    }

    [Fact]
    public async Task Deleting_a_share_that_never_had_access_rules_touches_no_export()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        var before = _world.Fake.Commands.Count;

        await _world.DeleteShares.DeleteAsync(member, share.Id);
        await _world.RunQueuedJobsAsync();

        Assert.False(_world.ShareExists(share.Id));
        Assert.DoesNotContain(_world.Fake.Commands.Skip(before), c => c.Argv.Contains(_world.Backend.ExportfsPath));
    }

    [Fact]
    public async Task Snapshots_made_on_the_host_stop_a_delete_before_clients_lose_access()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        await _world.Access.AllowAsync(member, share.Id, "203.0.113.154", "rw");
        await _world.RunQueuedJobsAsync();
        _world.Fake.AddSnapshot(share.Dataset + "@by_hand");

        await _world.DeleteShares.DeleteAsync(member, share.Id);
        await _world.RunQueuedJobsAsync();

        var after = _world.Share(share.Id);
        Assert.Equal(ShareStatus.ErrorDeleting, after.Status);
        Assert.Contains("snapshots on the host", after.StatusMessage, StringComparison.Ordinal);
        Assert.Equal("203.0.113.154", Assert.Single(_world.Fake.ExportsOf(share.Mountpoint!)).Client);
        Assert.True(_world.Fake.Exists(share.Dataset!));
    }

    [Fact]
    public async Task Snapshots_made_on_the_host_stop_a_delete_of_a_share_without_rules_and_it_stays()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        _world.Fake.AddSnapshot(share.Dataset + "@by_hand");

        await _world.DeleteShares.DeleteAsync(member, share.Id);
        await _world.RunQueuedJobsAsync();

        Assert.Equal(ShareStatus.ErrorDeleting, _world.Share(share.Id).Status);
        Assert.True(_world.Fake.Exists(share.Dataset!));
    }

    [Fact]
    public async Task A_failed_delete_ends_in_error_deleting_with_what_to_do_and_keeps_the_share()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        await _world.DeleteShares.DeleteAsync(member, share.Id);
        _world.Fake.FailNext(new StorageHostException(StorageFailure.Unreachable, "Cannot reach 192.0.2.10:22."));

        await _world.RunQueuedJobsAsync();

        var after = _world.Share(share.Id);
        Assert.Equal(ShareStatus.ErrorDeleting, after.Status);
        Assert.Contains("Try deleting it again", after.StatusMessage, StringComparison.Ordinal);
        Assert.True((await _world.DeleteShares.DeleteAsync(member, share.Id)).Succeeded);
        await _world.RunQueuedJobsAsync();
        Assert.False(_world.ShareExists(share.Id));
    }

    [Fact]
    public async Task A_request_that_never_reached_a_host_is_deleted_at_once()
    {
        _world.Fake.AddPool("tank", sizeBytes: 1L << 30);
        var (share, member, _) = await _world.AvailableShareAsync(sizeGiB: 5);
        Assert.Equal(ShareStatus.Error, share.Status);

        var result = await _world.DeleteShares.DeleteAsync(member, share.Id);

        Assert.True(result.Succeeded);
        Assert.False(_world.ShareExists(share.Id));
    }

    [Fact]
    public async Task Extend_sets_the_new_refquota_and_the_share_is_available_at_the_new_size()
    {
        var (share, member, _) = await _world.AvailableShareAsync(sizeGiB: 5);

        var result = await _world.Resize.ExtendAsync(member, share.Id, "6");
        Assert.True(result.Succeeded, result.Error);
        Assert.Equal((ShareStatus.Extending, 6), (_world.Share(share.Id).Status, _world.Share(share.Id).PendingSizeGiB!.Value));
        await _world.RunQueuedJobsAsync();

        var after = _world.Share(share.Id);
        Assert.Equal((ShareStatus.Available, 6, (int?)null), (after.Status, after.SizeGiB, after.PendingSizeGiB));
        Assert.Equal((6L << 30).ToString(CultureInfo.InvariantCulture), _world.Fake.Properties(share.Dataset!)!["refquota"]);
    }

    [Fact]
    public async Task Extend_beyond_the_quota_is_refused_with_how_far_it_can_grow()
    {
        var (share, member, _) = await _world.AvailableShareAsync(sizeGiB: 5, quotas: QuotaLimits.Defaults with { Gigabytes = 8 });

        var result = await _world.Resize.ExtendAsync(member, share.Id, "10");

        Assert.Contains("can grow to at most 8 GiB", result.Errors[ResizeShareService.SizeField], StringComparison.Ordinal);
        Assert.Equal(ShareStatus.Available, _world.Share(share.Id).Status);
    }

    [Theory]
    [InlineData("5", "already 5 GiB")]
    [InlineData("4", "use Shrink")]
    [InlineData("2.5", "not a whole number")]
    [InlineData("-1", "at least 1 GiB")]
    [InlineData("", "Enter a size")]
    public async Task Extend_with_a_size_that_is_not_larger_is_refused(string size, string message)
    {
        var (share, member, _) = await _world.AvailableShareAsync(sizeGiB: 5);

        var result = await _world.Resize.ExtendAsync(member, share.Id, size);

        Assert.Contains(message, result.Errors[ResizeShareService.SizeField], StringComparison.Ordinal);
        Assert.Equal((ShareStatus.Available, 5), (_world.Share(share.Id).Status, _world.Share(share.Id).SizeGiB));
    }

    [Fact]
    public async Task Shrink_is_refused_when_data_would_not_fit_and_the_share_stays_available()
    {
        var (share, member, _) = await _world.AvailableShareAsync(sizeGiB: 5);
        _world.Fake.SetProperty(share.Dataset!, "referenced", (3L << 30).ToString(CultureInfo.InvariantCulture));
        _world.Fake.SetProperty(share.Dataset!, "used", (3L << 30).ToString(CultureInfo.InvariantCulture));

        Assert.True((await _world.Resize.ShrinkAsync(member, share.Id, "2")).Succeeded);
        await _world.RunQueuedJobsAsync();

        var after = _world.Share(share.Id);
        Assert.Equal((ShareStatus.Available, 5), (after.Status, after.SizeGiB));
        Assert.Equal("Shrinking to 2 GiB was refused: the share holds 3 GiB of data, more than 2 GiB. Delete data first, or choose at least 3 GiB. Nothing was changed.",
            after.StatusMessage);
        Assert.Equal((5L << 30).ToString(CultureInfo.InvariantCulture), _world.Fake.Properties(share.Dataset!)!["refquota"]);
        Assert.DoesNotContain(_world.Fake.Commands, c => c.Argv.Contains("set"));
    }

    [Fact]
    public async Task Shrink_when_the_data_fits_sets_the_smaller_refquota()
    {
        var (share, member, _) = await _world.AvailableShareAsync(sizeGiB: 5);

        Assert.True((await _world.Resize.ShrinkAsync(member, share.Id, "4")).Succeeded);
        await _world.RunQueuedJobsAsync();

        Assert.Equal((ShareStatus.Available, 4), (_world.Share(share.Id).Status, _world.Share(share.Id).SizeGiB));
        Assert.Equal((4L << 30).ToString(CultureInfo.InvariantCulture), _world.Fake.Properties(share.Dataset!)!["refquota"]);
    }

    [Fact]
    public async Task A_failed_extend_ends_in_extending_error_and_keeps_the_old_size_and_quota()
    {
        var (share, member, _) = await _world.AvailableShareAsync(sizeGiB: 5);
        await _world.Resize.ExtendAsync(member, share.Id, "7");
        _world.Fake.FailNext(new StorageHostException(StorageFailure.CommandFailed, "Setting refquota failed: out of space."));

        await _world.RunQueuedJobsAsync();

        var after = _world.Share(share.Id);
        Assert.Equal((ShareStatus.ExtendingError, 5, (int?)null), (after.Status, after.SizeGiB, after.PendingSizeGiB));
        Assert.Contains("out of space", after.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_action_is_refused_with_a_clear_message_while_the_share_is_busy()
    {
        var (project, member) = _world.AddProjectWithMember("busy");
        var id = (await _world.RequestShareAsync(member, project, "fresh", "1")).Id!.Value;

        Assert.Equal("The share is creating; extending can start once that has finished.", (await _world.Resize.ExtendAsync(member, id, "2")).Error);
        Assert.Equal("The share is creating; shrinking can start once that has finished.", (await _world.Resize.ShrinkAsync(member, id, "1")).Error);
        Assert.Equal("The share is creating; deleting can start once that has finished.", (await _world.DeleteShares.DeleteAsync(member, id)).Error);
        Assert.Equal("The share is creating; taking a snapshot can start once that has finished.", (await _world.Snapshots.CreateAsync(member, id, "s", null)).Error);
        Assert.Equal("The share is creating; changing access can start once that has finished.", (await _world.Access.AllowAsync(member, id, "203.0.113.5", "rw")).Error);
    }

    [Fact]
    public async Task Another_projects_share_cannot_be_changed_whatever_its_id()
    {
        var (share, _, _) = await _world.AvailableShareAsync();
        var (_, stranger) = _world.AddProjectWithMember("stranger");

        foreach (var result in new[]
                 {
                     await _world.DeleteShares.DeleteAsync(stranger, share.Id),
                     await _world.Resize.ExtendAsync(stranger, share.Id, "9"),
                     await _world.Snapshots.CreateAsync(stranger, share.Id, "peek", null),
                     await _world.Access.AllowAsync(stranger, share.Id, "203.0.113.9", "rw"),
                 })
            Assert.Contains("does not exist, or it belongs to a project you are not a member of", result.Error, StringComparison.Ordinal);
        Assert.Equal(ShareStatus.Available, _world.Share(share.Id).Status);
    }

    public void Dispose() => _world.Dispose();
}
