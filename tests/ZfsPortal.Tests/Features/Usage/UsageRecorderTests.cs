using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Usage;

namespace ZfsPortal.Tests.Features.Usage;

/// <summary>The health check feeds the usage history: one sample per share and project per bucket, bounded, swept when gone.</summary>
public sealed class UsageRecorderTests : IDisposable
{
    private const long GiB = 1L << 30;
    private readonly TestWorld _world = new();
    private readonly FakeBackendProbe _probe = new();
    private readonly Clock _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly BackendHealthChecker _checker;
    private readonly UsageRecorder _recorder;

    public UsageRecorderTests()
    {
        _recorder = new UsageRecorder(_world.Db, _probe, _clock);
        _checker = new BackendHealthChecker(_world.Db, _probe, _clock, _recorder);
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private List<UsageSample> Samples(UsageSubject subject, Guid id)
    {
        using var db = _world.Db.CreateDbContext();
        return [.. db.UsageSamples.AsNoTracking().Where(u => u.Subject == subject && u.SubjectId == id).OrderBy(u => u.At)];
    }

    [Fact]
    public async Task Each_health_check_records_the_shares_used_and_size_and_the_projects_totals()
    {
        var (a, member, project) = await _world.AvailableShareAsync("a", sizeGiB: 5);
        var requested = await _world.RequestShareAsync(member, project, "b", "3");
        await _world.RunQueuedJobsAsync();
        var b = _world.Share(requested.Id!.Value);
        _probe.SetUsage(a.Dataset!, 2 * GiB, 5 * GiB);
        _probe.SetUsage(b.Dataset!, 1 * GiB, 3 * GiB);

        await _checker.CheckAllAsync(CancellationToken.None);
        _probe.SetUsage(a.Dataset!, 3 * GiB, 5 * GiB);
        _clock.Now += TimeSpan.FromMinutes(5); // the same 15 minutes: the reading replaces the sample
        await _checker.CheckAllAsync(CancellationToken.None);
        _clock.Now += TimeSpan.FromMinutes(15);
        await _checker.CheckAllAsync(CancellationToken.None);

        var shareSamples = Samples(UsageSubject.Share, a.Id);
        Assert.Equal(2, shareSamples.Count);
        Assert.All(shareSamples, s => Assert.Equal((3 * GiB, 5 * GiB), (s.UsedBytes, s.SizeBytes)));
        var projectSamples = Samples(UsageSubject.Project, project.Id);
        Assert.Equal(2, projectSamples.Count);
        Assert.Equal((4 * GiB, 8 * GiB), (projectSamples[^1].UsedBytes, projectSamples[^1].SizeBytes));
        Assert.Contains(_probe.Calls, c => c.Call == "usage");
    }

    [Fact]
    public async Task A_down_backend_is_not_read_and_a_project_keeps_its_shares_last_reading()
    {
        var (a, _, project) = await _world.AvailableShareAsync("a", sizeGiB: 5);
        _probe.SetUsage(a.Dataset!, 2 * GiB, 5 * GiB);
        await _checker.CheckAllAsync(CancellationToken.None);

        _probe.SetDown(_world.Backend.Name, "The host does not answer.");
        _clock.Now += TimeSpan.FromHours(1);
        await _checker.CheckAllAsync(CancellationToken.None);

        Assert.Single(Samples(UsageSubject.Share, a.Id));
        Assert.Single(Samples(UsageSubject.Project, project.Id));
        Assert.Single(_probe.Calls, c => c.Call == "usage");
    }

    [Fact]
    public async Task A_month_of_checks_keeps_a_bounded_history_and_a_deleted_share_loses_its_own()
    {
        var (a, member, _) = await _world.AvailableShareAsync("a", sizeGiB: 5);
        _probe.SetUsage(a.Dataset!, GiB, 5 * GiB);
        // A check every six hours for 30 days (120 readings), thinned at each as the monitor's hourly thinning would.
        for (var i = 0; i < 30 * 4; i++)
        {
            await _recorder.RecordAsync([_world.Backend], CancellationToken.None);
            _clock.Now += TimeSpan.FromHours(6);
        }

        var kept = Samples(UsageSubject.Share, a.Id);
        // The last 14 days keep every reading (each in its own hour), the 16 days before them one a day.
        Assert.InRange(kept.Count, 14 * 4 + 14, 14 * 4 + 18);
        Assert.Equal(kept.Count, kept.Select(s => s.At).Distinct().Count());
        Assert.Equal(kept.Count, Samples(UsageSubject.Project, _world.Share(a.Id).ProjectId).Count);

        Assert.True((await _world.DeleteShares.DeleteAsync(member, a.Id)).Succeeded);
        await _world.RunQueuedJobsAsync();
        await _recorder.ThinAsync(_clock.Now.UtcDateTime, CancellationToken.None);
        Assert.Empty(Samples(UsageSubject.Share, a.Id));
    }

    public void Dispose()
    {
        _recorder.Dispose();
        _world.Dispose();
    }
}
