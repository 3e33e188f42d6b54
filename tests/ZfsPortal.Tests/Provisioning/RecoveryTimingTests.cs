using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Hosting;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Tests.Provisioning;

/// <summary>
/// The timing keys the recovery uses (ADR 4): a bad value stops the portal at start with a message naming the key, and
/// the windows the recovery and the claim apply are the ones README.md and docs/architecture.md state (a running
/// operation is stale after six heartbeats, 3 minutes by default; a queued one is queued again after the grace).
/// </summary>
public sealed class RecoveryTimingTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("zfsportal-timing-");

    /// <summary>The portal's own registration (AddPortal) with these keys, not started.</summary>
    private WebApplication Build(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _data.FullName, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portal:DataDirectory"] = _data.FullName,
            ["Portal:RunJobs"] = "false",
            ["urls"] = "http://127.0.0.1:0",
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddPortal();
        return builder.Build();
    }

    [Theory]
    [InlineData("Portal:HeartbeatSeconds", "0")]
    [InlineData("Portal:HeartbeatSeconds", "-30")]
    [InlineData("Portal:HeartbeatSeconds", "601")]
    [InlineData("Portal:RecoverySeconds", "0")]
    [InlineData("Portal:RecoverySeconds", "-1")]
    [InlineData("Portal:QueuedGraceSeconds", "0")]
    [InlineData("Portal:QueuedGraceSeconds", "-5")]
    public async Task A_bad_timing_value_stops_the_portal_at_start_with_a_message_naming_the_key(string key, string value)
    {
        await using var app = Build((key, value));

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        var failure = Assert.Single(refused.Failures);
        Assert.StartsWith($"{key} is {value}; it must be a whole number of seconds from 1 to ", failure, StringComparison.Ordinal);
        Assert.EndsWith(").", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_bad_timing_value_is_named_at_once()
    {
        await using var app = Build(("Portal:HeartbeatSeconds", "0"), ("Portal:RecoverySeconds", "0"), ("Portal:QueuedGraceSeconds", "0"));

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Equal(["Portal:HeartbeatSeconds", "Portal:RecoverySeconds", "Portal:QueuedGraceSeconds"],
            refused.Failures.Select(f => f.Split(' ')[0]));
    }

    [Theory]
    [InlineData(null, 30, 180)] // the defaults: README.md's "six beats", architecture.md's "3 minutes"
    [InlineData("1", 1, 6)]     // the drills' setting: docs/reliability.md's "stale after 6 s"
    [InlineData("600", 600, 3600)]
    public async Task The_stale_window_is_six_heartbeats_and_never_shorter_than_one(string? configured, int heartbeat, int staleSeconds)
    {
        await using var app = configured is null ? Build() : Build(("Portal:HeartbeatSeconds", configured));

        var options = app.Services.GetRequiredService<IOptions<PortalOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(heartbeat), options.HeartbeatEvery);
        Assert.Equal(TimeSpan.FromSeconds(staleSeconds), options.StaleAfter);
        Assert.True(options.StaleAfter > options.HeartbeatEvery);
        if (configured is null)
            Assert.Equal((60, 30), (options.RecoverySeconds, options.QueuedGraceSeconds));
    }

    [Theory]
    [InlineData(30, 30)]
    [InlineData(1, 2)]
    public async Task Recovery_and_the_claim_take_over_a_run_only_after_six_missed_beats_and_a_queued_one_only_after_the_grace(
        int heartbeatSeconds, int graceSeconds)
    {
        using var world = new TestWorld();
        var options = new PortalOptions { HeartbeatSeconds = heartbeatSeconds, QueuedGraceSeconds = graceSeconds };
        var now = new DateTime(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);
        var recovery = new OperationRecovery(world.Db, world.Scheduler, new FixedTime(now), Options.Create(options),
            NullLogger<OperationRecovery>.Instance);
        var (project, member) = world.AddProjectWithMember("alpha");
        Assert.True((await world.RequestShareAsync(member, project, "timed", "1")).Succeeded);
        var operationId = Assert.Single(world.Scheduler.Drain());
        var stale = TimeSpan.FromSeconds(6 * heartbeatSeconds);
        var grace = TimeSpan.FromSeconds(graceSeconds);

        async Task<bool> Requeued(OperationState state, DateTime createdAt, DateTime heartbeatAt)
        {
            await using (var db = world.Db.CreateDbContext())
                await db.Operations.Where(o => o.Id == operationId).ExecuteUpdateAsync(u => u
                    .SetProperty(o => o.State, state).SetProperty(o => o.CreatedAt, createdAt).SetProperty(o => o.HeartbeatAt, heartbeatAt));
            var count = await recovery.RequeueStrandedAsync(CancellationToken.None);
            return count == 1 && world.Scheduler.Drain().SequenceEqual([operationId]);
        }

        var tick = TimeSpan.FromMilliseconds(500);
        Assert.False(await Requeued(OperationState.Running, now - stale - stale, now - stale + tick));
        Assert.True(await Requeued(OperationState.Running, now - stale - stale, now - stale - tick));
        Assert.False(await Requeued(OperationState.Queued, now - grace + tick, now - grace + tick));
        Assert.True(await Requeued(OperationState.Queued, now - grace - tick, now - grace - tick));

        // The claim uses the same window: a live run (heartbeat within it) cannot be taken over, a stale one can.
        await using var claimDb = world.Db.CreateDbContext();
        await claimDb.Operations.Where(o => o.Id == operationId).ExecuteUpdateAsync(u => u
            .SetProperty(o => o.State, OperationState.Running).SetProperty(o => o.HeartbeatAt, now - stale + tick));
        Assert.False(await OperationClaim.TryClaimAsync(claimDb, operationId, now, options.StaleAfter, [], CancellationToken.None));
        await claimDb.Operations.Where(o => o.Id == operationId).ExecuteUpdateAsync(u => u.SetProperty(o => o.HeartbeatAt, now - stale - tick));
        Assert.True(await OperationClaim.TryClaimAsync(claimDb, operationId, now, options.StaleAfter, [], CancellationToken.None));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { _data.Delete(recursive: true); }
        catch (IOException) { }
    }

    private sealed class FixedTime(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(now);
    }
}
