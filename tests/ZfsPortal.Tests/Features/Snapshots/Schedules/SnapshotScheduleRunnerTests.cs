using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using ZfsPortal.Data;
using ZfsPortal.Features.Snapshots.Schedules;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Tests.Features.Snapshots.Schedules;

/// <summary>The scheduler's passes over real SQLite and the fake host, with a clock the test moves.</summary>
public sealed class SnapshotScheduleRunnerTests : IDisposable
{
    private static readonly SnapshotPolicyInput Hourly = new(ScheduleKind.Hourly, 0, 0, DayOfWeek.Sunday, null, "UTC", 3);

    private readonly TestWorld _world = new();
    private readonly MovableClock _clock = new(DateTimeOffset.UtcNow);

    private SnapshotPolicyService Policies => _world.Service<SnapshotPolicyService>();

    private SnapshotScheduleRunner Runner() =>
        new(_world.Db, _world.Service<OperationIntake>(), _clock, NullLogger<SnapshotScheduleRunner>.Instance);

    private List<Snapshot> SnapshotsOf(Guid shareId)
    {
        using var db = _world.Db.CreateDbContext();
        return [.. db.Snapshots.AsNoTracking().Where(s => s.ShareId == shareId).OrderBy(s => s.ScheduledFor)];
    }

    [Fact]
    public async Task A_policy_takes_each_run_once_and_a_downtime_is_caught_up_with_one_snapshot()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        Assert.True((await Policies.SetForShareAsync(member, share.Id, Hourly)).Succeeded);
        var runner = Runner();

        Assert.Equal(0, await runner.RunDueAsync(default)); // nothing due before the first full hour
        _clock.Advance(TimeSpan.FromHours(5)); // the portal was down for five runs
        Assert.Equal(1, await runner.RunDueAsync(default));
        Assert.Equal(0, await runner.RunDueAsync(default)); // a second pass finds that run taken
        await _world.RunQueuedJobsAsync();

        var taken = Assert.Single(SnapshotsOf(share.Id));
        var expected = new DateTime(_clock.UtcNow.Year, _clock.UtcNow.Month, _clock.UtcNow.Day, _clock.UtcNow.Hour, 0, 0, DateTimeKind.Utc);
        Assert.Equal(expected, taken.ScheduledFor);
        Assert.Equal($"auto-{expected:yyyy-MM-dd-HHmm}Z", taken.Name);
        Assert.Equal(SnapshotStatus.Available, taken.Status);
        Assert.Contains(taken.ZfsName, _world.Fake.SnapshotsOf(share.Dataset!));
    }

    [Fact]
    public async Task Retention_prunes_the_oldest_scheduled_snapshots_and_never_one_taken_by_hand()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        Assert.True((await _world.Snapshots.CreateAsync(member, share.Id, "by-hand", null)).Succeeded);
        Assert.True((await Policies.SetForShareAsync(member, share.Id, Hourly)).Succeeded);
        var runner = Runner();
        for (var hour = 0; hour < 5; hour++)
        {
            _clock.Advance(TimeSpan.FromHours(1));
            await runner.RunDueAsync(default);
            await _world.RunQueuedJobsAsync();
        }
        await runner.RunDueAsync(default);
        await _world.RunQueuedJobsAsync();

        var left = SnapshotsOf(share.Id);
        Assert.Contains(left, s => s.Name == "by-hand");
        var scheduled = left.Where(s => s.ScheduledFor is not null).ToList();
        Assert.Equal(3, scheduled.Count);
        Assert.Equal(4, _world.Fake.SnapshotsOf(share.Dataset!).Count);
        // The three kept are the newest, an hour apart.
        Assert.Equal(TimeSpan.FromHours(2), scheduled[^1].ScheduledFor!.Value - scheduled[0].ScheduledFor!.Value);
    }

    [Fact]
    public async Task A_full_snapshot_quota_skips_the_run_and_the_share_says_why()
    {
        var (share, member, _) = await _world.AvailableShareAsync(quotas: QuotaLimits.Defaults with { Snapshots = 1 });
        Assert.True((await _world.Snapshots.CreateAsync(member, share.Id, "by-hand", null)).Succeeded);
        Assert.True((await Policies.SetForShareAsync(member, share.Id, Hourly)).Succeeded);

        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await Runner().RunDueAsync(default));

        Assert.Single(SnapshotsOf(share.Id));
        var view = await Policies.GetAsync(member, share.Id);
        Assert.Contains("was skipped: The project already has 1 of its 1 snapshots", view!.SkipMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_portal_processes_passing_at_once_take_a_run_once()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        Assert.True((await Policies.SetForShareAsync(member, share.Id, Hourly)).Succeeded);
        _clock.Advance(TimeSpan.FromHours(1));

        var passes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Runner().RunDueAsync(default))));

        Assert.Equal(1, passes.Sum());
        Assert.Single(SnapshotsOf(share.Id));
    }

    [Fact]
    public async Task A_share_types_default_policy_applies_to_shares_without_their_own()
    {
        var (share, member, _) = await _world.AvailableShareAsync();
        var daily = new SnapshotPolicyInput(ScheduleKind.Cron, 0, 0, DayOfWeek.Sunday, "*/10 * * * *", "Europe/Berlin", 2);
        Assert.False((await Policies.SetForShareTypeAsync(member, _world.DefaultType.Id, daily)).Succeeded); // tenants cannot
        Assert.True((await Policies.SetForShareTypeAsync(_world.Admin, _world.DefaultType.Id, daily)).Succeeded);

        var view = await Policies.GetAsync(member, share.Id);
        Assert.True(view!.FromShareType);
        Assert.Equal("*/10 * * * *", view.Schedule);
        _clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await Runner().RunDueAsync(default));

        // The share's own policy wins over the default.
        Assert.True((await Policies.SetForShareAsync(member, share.Id, Hourly)).Succeeded);
        Assert.False((await Policies.GetAsync(member, share.Id))!.FromShareType);
    }

    [Fact]
    public async Task A_share_created_after_its_types_default_was_set_carries_it_and_gets_scheduled_snapshots()
    {
        var nightly = _world.AddShareType("nightly", t => t.SnapshotSupport = true);
        var every10 = new SnapshotPolicyInput(ScheduleKind.Cron, 0, 0, DayOfWeek.Sunday, "*/10 * * * *", "UTC", 2);
        Assert.True((await Policies.SetForShareTypeAsync(_world.Admin, nightly.Id, every10)).Succeeded);

        var (project, member) = _world.AddProjectWithMember("later");
        var created = await _world.RequestShareAsync(member, project, "later", "1", nightly.Id);
        var other = await _world.RequestShareAsync(member, project, "plain", "1");
        await _world.RunQueuedJobsAsync();
        var shareId = created.Id!.Value;

        var view = await Policies.GetAsync(member, shareId);
        Assert.True(view!.FromShareType);
        Assert.Equal(("*/10 * * * *", 2), (view.Schedule, view.Policy.RetentionCount));
        _clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await Runner().RunDueAsync(default));
        await _world.RunQueuedJobsAsync();

        var taken = Assert.Single(SnapshotsOf(shareId));
        Assert.NotNull(taken.ScheduledFor);
        Assert.Equal(SnapshotStatus.Available, taken.Status);
        Assert.Contains(taken.ZfsName, _world.Fake.SnapshotsOf(_world.Share(shareId).Dataset!));
        Assert.Empty(SnapshotsOf(other.Id!.Value)); // the default type has no default policy
    }

    [Fact]
    public async Task A_bad_policy_is_refused_with_the_field_it_concerns()
    {
        var (share, member, _) = await _world.AvailableShareAsync();

        var badCron = await Policies.SetForShareAsync(member, share.Id, Hourly with { Kind = ScheduleKind.Cron, CronExpression = "every hour" });
        var badRetention = await Policies.SetForShareAsync(member, share.Id, Hourly with { RetentionCount = 0 });

        Assert.Contains("five fields", badCron.Errors[SnapshotPolicyService.ScheduleField], StringComparison.Ordinal);
        Assert.Contains("between 1 and 1000", badRetention.Errors[SnapshotPolicyService.RetentionField], StringComparison.Ordinal);
        Assert.Null(await Policies.GetAsync(member, share.Id));
    }

    public void Dispose() => _world.Dispose();

    private sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public DateTime UtcNow => _now.UtcDateTime;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
