using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares.Create;
using ZfsPortal.Features.Shares;

namespace ZfsPortal.Tests.Features.Shares.Create;

public sealed class CreateShareServiceTests : IDisposable
{
    private readonly TestWorld _world = new();

    [Fact]
    public async Task A_valid_request_records_a_creating_share_and_queues_one_job()
    {
        var (project, member) = _world.AddProjectWithMember("alpha");

        var result = await _world.RequestShareAsync(member, project, "zfsvol", "5");

        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values));
        var share = _world.Share(result.Id!.Value);
        Assert.Equal((ShareStatus.Creating, 5, "zfsvol"), (share.Status, share.SizeGiB, share.Name));
        var operation = Assert.Single(_world.OperationsOf(share.Id));
        Assert.Equal(OperationState.Queued, operation.State);
        Assert.Equal([operation.Id], _world.Scheduler.Enqueued);
    }

    [Theory]
    [InlineData("0", "at least 1 GiB")]
    [InlineData("-3", "at least 1 GiB")]
    [InlineData("abc", "not a whole number")]
    [InlineData("1.5", "not a whole number")]
    [InlineData("5 GiB", "not a whole number")]
    [InlineData("", "Enter a size")]
    [InlineData("99999999999", "far larger")]
    [InlineData("101", "from 1 to 100 GiB")]
    public async Task A_bad_size_is_refused_with_a_clear_message_and_changes_nothing(string size, string expected)
    {
        var (project, member) = _world.AddProjectWithMember("alpha");

        var result = await _world.RequestShareAsync(member, project, "zfsvol", size);

        Assert.Contains(expected, result.Errors[CreateShareService.SizeField], StringComparison.Ordinal);
        await AssertNothingRecordedAsync();
    }

    [Theory]
    [InlineData("", "Give the share a name")]
    [InlineData("   ", "Give the share a name")]
    [InlineData("a; rm -rf /", "Use letters, digits")]
    [InlineData("$(reboot)", "Use letters, digits")]
    [InlineData("-leading-dash", "Use letters, digits")]
    public async Task A_bad_name_is_refused_with_a_clear_message_and_changes_nothing(string name, string expected)
    {
        var (project, member) = _world.AddProjectWithMember("alpha");

        var result = await _world.RequestShareAsync(member, project, name, "1");

        Assert.Contains(expected, result.Errors[CreateShareService.NameField], StringComparison.Ordinal);
        await AssertNothingRecordedAsync();
    }

    [Fact]
    public async Task An_overlong_name_is_refused_and_says_the_limit()
    {
        var (project, member) = _world.AddProjectWithMember("alpha");

        var result = await _world.RequestShareAsync(member, project, new string('a', 65), "1");

        Assert.Contains("at most 64 characters", result.Errors[CreateShareService.NameField], StringComparison.Ordinal);
        await AssertNothingRecordedAsync();
    }

    [Fact]
    public async Task A_name_already_used_in_the_project_is_refused()
    {
        var (project, member) = _world.AddProjectWithMember("alpha");
        Assert.True((await _world.RequestShareAsync(member, project, "zfsvol", "1")).Succeeded);

        var second = await _world.RequestShareAsync(member, project, "zfsvol", "1");

        Assert.Contains("already has a share named 'zfsvol'", second.Errors[CreateShareService.NameField], StringComparison.Ordinal);
        Assert.Single(_world.Scheduler.Enqueued);
    }

    [Fact]
    public async Task The_same_name_in_another_project_is_fine()
    {
        var (alpha, alphaMember) = _world.AddProjectWithMember("alpha");
        var (beta, betaMember) = _world.AddProjectWithMember("beta");

        Assert.True((await _world.RequestShareAsync(alphaMember, alpha, "zfsvol", "1")).Succeeded);
        Assert.True((await _world.RequestShareAsync(betaMember, beta, "zfsvol", "1")).Succeeded);
    }

    [Fact]
    public async Task A_request_above_the_gigabytes_quota_is_refused_and_says_how_much_is_left()
    {
        var (project, member) = _world.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Gigabytes = 10 });
        Assert.True((await _world.RequestShareAsync(member, project, "first", "7")).Succeeded);

        var result = await _world.RequestShareAsync(member, project, "second", "4");

        var message = result.Errors[CreateShareService.SizeField];
        Assert.Contains("11 GiB of its 10 GiB quota", message, StringComparison.Ordinal);
        Assert.Contains("choose at most 3 GiB", message, StringComparison.Ordinal);
        Assert.True((await _world.RequestShareAsync(member, project, "third", "3")).Succeeded);
    }

    [Fact]
    public async Task A_request_beyond_the_shares_quota_is_refused()
    {
        var (project, member) = _world.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Shares = 1 });
        Assert.True((await _world.RequestShareAsync(member, project, "first", "1")).Succeeded);

        var result = await _world.RequestShareAsync(member, project, "second", "1");

        Assert.Contains("1 of its 1 shares", result.Errors[CreateShareService.SizeField], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_above_the_per_share_quota_is_refused()
    {
        var (project, member) = _world.AddProjectWithMember("alpha", QuotaLimits.Defaults with { PerShareGigabytes = 4 });

        var result = await _world.RequestShareAsync(member, project, "big", "5");

        Assert.Contains("at most 4 GiB", result.Errors[CreateShareService.SizeField], StringComparison.Ordinal);
        await AssertNothingRecordedAsync();
    }

    [Fact]
    public async Task Two_requests_that_together_exceed_the_quota_at_the_same_time_leave_exactly_one_accepted()
    {
        var (project, member) = _world.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Gigabytes = 10 });
        using var start = new ManualResetEventSlim();

        var requests = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await _world.RequestShareAsync(member, project, $"racer{i}", "6");
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(requests);

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded),
            r => Assert.Contains("quota", r.Errors[CreateShareService.SizeField], StringComparison.Ordinal));
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(6, await db.Shares.Where(s => s.ProjectId == project.Id).SumAsync(s => s.SizeGiB));
    }

    [Fact]
    public async Task Fifty_requests_at_once_in_one_project_are_all_answered_and_the_project_ends_at_its_shares_quota()
    {
        var (project, member) = _world.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Shares = 20, Gigabytes = QuotaLimits.Unlimited });
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var requests = Enumerable.Range(0, 50).Select(async i =>
        {
            await start.Task;
            return await _world.RequestShareAsync(member, project, $"burst{i:D2}", "1");
        }).ToList();
        start.SetResult();
        var results = await Task.WhenAll(requests);

        Assert.Equal(20, results.Count(r => r.Succeeded));
        Assert.All(results.Where(r => !r.Succeeded),
            r => Assert.Contains("20 of its 20 shares", r.Errors[CreateShareService.SizeField], StringComparison.Ordinal));
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(20, await db.Shares.CountAsync(s => s.ProjectId == project.Id));
        Assert.Equal(20, _world.Scheduler.Enqueued.Count);
    }

    [Fact]
    public async Task A_request_whose_decision_fails_does_not_hold_up_the_next_request()
    {
        var (project, member) = _world.AddProjectWithMember("alpha");
        var intake = _world.Service<ZfsPortal.Provisioning.OperationIntake>();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            intake.RunAsync((_, _) => throw new InvalidOperationException("the decision broke"), CancellationToken.None));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _world.CreateShares.CreateAsync(member,
            new CreateShareRequest(project.Id, _world.DefaultType.Id, "cancelled", null, "1"), cancelled.Token));
        var next = _world.RequestShareAsync(member, project, "next", "1");

        Assert.Same(next, await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.True((await next).Succeeded, string.Join("; ", (await next).Errors.Values));
    }

    [Fact]
    public async Task A_user_outside_the_project_cannot_create_shares_in_it()
    {
        var (project, _) = _world.AddProjectWithMember("alpha");
        var (_, stranger) = _world.AddProjectWithMember("beta");

        var result = await _world.RequestShareAsync(stranger, project, "sneaky", "1");

        Assert.Contains("not a member", result.Errors[CreateShareService.FormField], StringComparison.Ordinal);
        await using var db = _world.Db.CreateDbContext();
        Assert.False(await db.Shares.AnyAsync(s => s.ProjectId == project.Id));
    }

    [Fact]
    public async Task A_share_type_that_needs_approval_waits_without_a_job_but_reserves_quota()
    {
        var type = _world.AddShareType("gold", t => t.Approval = ApprovalPolicy.AboveSize);
        var (project, member) = _world.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Gigabytes = 10 });

        var result = await _world.RequestShareAsync(member, project, "big", "8", type.Id);

        Assert.Equal(ShareStatus.AwaitingApproval, _world.Share(result.Id!.Value).Status);
        Assert.Empty(_world.Scheduler.Enqueued);
        var next = await _world.RequestShareAsync(member, project, "more", "3");
        Assert.Contains("quota", next.Errors[CreateShareService.SizeField], StringComparison.Ordinal);
    }

    private async Task AssertNothingRecordedAsync()
    {
        await using var db = _world.Db.CreateDbContext();
        Assert.Equal(0, await db.Shares.CountAsync());
        Assert.Equal(0, await db.Operations.CountAsync());
        Assert.Empty(_world.Scheduler.Enqueued);
    }

    public void Dispose() => _world.Dispose();
}
