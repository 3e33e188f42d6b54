using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ZfsPortal.Data;
using ZfsPortal.Features.Shares;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Shares.Create;

public sealed class CreateShareJobTests : IDisposable
{
    private readonly TestWorld _world = new();

    private async Task<Guid> RequestAsync(string size = "2", string name = "zfsvol")
    {
        var (project, member) = _world.AddProjectWithMember("alpha");
        var result = await _world.RequestShareAsync(member, project, name, size);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values));
        return result.Id!.Value;
    }

    [Fact]
    public async Task The_job_creates_the_dataset_with_refquota_and_the_share_becomes_available()
    {
        _world.UpdateBackend(b => b.Settings.DatasetCreationOptions = new() { ["compression"] = "lz4" });
        var shareId = await RequestAsync(size: "2");

        await _world.RunQueuedJobsAsync();

        var share = _world.Share(shareId);
        Assert.Equal(ShareStatus.Available, share.Status);
        Assert.Equal($"tank/zfsportal_share_{shareId.ToString().Replace('-', '_')}", share.Dataset);
        Assert.Equal($"192.0.2.10:/{share.Dataset}", share.ExportLocation);
        var onHost = _world.Fake.Properties(share.Dataset!)!;
        Assert.Equal("2147483648", onHost["refquota"]);
        Assert.Equal("lz4", onHost["compression"]);
    }

    [Fact]
    public async Task Each_step_is_recorded_with_its_timing_and_the_host_commands_it_ran()
    {
        var shareId = await RequestAsync();

        await _world.RunQueuedJobsAsync();

        var operation = Assert.Single(_world.OperationsOf(shareId));
        Assert.Equal(OperationState.Succeeded, operation.State);
        Assert.Equal(["Choose a backend and pool", $"Create dataset {_world.Share(shareId).Dataset}", "Read the mount point"],
            operation.Steps.Select(s => s.Name));
        Assert.All(operation.Steps, s => Assert.Equal(StepOutcome.Succeeded, s.Outcome));
        var commands = _world.CommandsOf(operation.Id);
        Assert.Contains(commands, c => c.CommandLine.StartsWith("/usr/bin/sudo -n /usr/sbin/zfs create", StringComparison.Ordinal) && c.ExitCode == 0);
        Assert.All(commands, c => Assert.Equal("fake", c.Backend));
    }

    [Fact]
    public async Task Running_the_same_job_twice_does_the_work_once()
    {
        var shareId = await RequestAsync();
        var operationId = Assert.Single(_world.Scheduler.Enqueued);

        await _world.Job.RunAsync(operationId, CancellationToken.None);
        var commandsAfterFirst = _world.Fake.Commands.Count;
        await _world.Job.RunAsync(operationId, CancellationToken.None);

        Assert.Equal(commandsAfterFirst, _world.Fake.Commands.Count);
        Assert.Equal(ShareStatus.Available, _world.Share(shareId).Status);
        Assert.Equal(3, Assert.Single(_world.OperationsOf(shareId)).Steps.Count);
    }

    [Fact]
    public async Task Two_workers_racing_for_one_operation_create_one_dataset()
    {
        var shareId = await RequestAsync();
        var operationId = Assert.Single(_world.Scheduler.Enqueued);
        _world.Fake.Latency = TimeSpan.FromMilliseconds(20);

        await Task.WhenAll(
            Task.Run(() => _world.Job.RunAsync(operationId, CancellationToken.None)),
            Task.Run(() => _world.Job.RunAsync(operationId, CancellationToken.None)));

        Assert.Single(_world.Fake.Commands, c => c.Argv.Contains("create"));
        Assert.Equal(ShareStatus.Available, _world.Share(shareId).Status);
    }

    [Fact]
    public async Task A_run_resumed_after_a_crash_keeps_the_dataset_an_earlier_attempt_created()
    {
        var shareId = await RequestAsync();
        var operationId = Assert.Single(_world.Scheduler.Enqueued);
        // The first worker placed the share and created the dataset, then the portal died.
        await using (var db = _world.Db.CreateDbContext())
        {
            var share = await db.Shares.SingleAsync(s => s.Id == shareId);
            share.BackendName = "fake";
            share.Pool = "tank";
            share.Dataset = DatasetNames.ForShare("tank", "zfsportal_share_", shareId);
            var op = await db.Operations.SingleAsync(o => o.Id == operationId);
            op.State = OperationState.Running;
            op.HeartbeatAt = DateTime.UtcNow - _world.Portal.StaleAfter - TimeSpan.FromSeconds(1);
            await db.SaveChangesAsync();
            _world.Fake.AddDataset(share.Dataset, new Dictionary<string, string> { ["refquota"] = "2G" });
        }

        await _world.Job.RunAsync(operationId, CancellationToken.None);

        var resumed = _world.Share(shareId);
        Assert.Equal(ShareStatus.Available, resumed.Status);
        Assert.Equal((2L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture), _world.Fake.Properties(resumed.Dataset!)!["refquota"]);
        var step = _world.OperationsOf(shareId).Single().Steps.Single(s => s.Name.StartsWith("Create dataset", StringComparison.Ordinal));
        Assert.Contains("Already exists", step.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_running_operation_with_a_live_heartbeat_is_left_to_its_worker()
    {
        var shareId = await RequestAsync();
        var operationId = Assert.Single(_world.Scheduler.Enqueued);
        await using (var db = _world.Db.CreateDbContext())
        {
            var op = await db.Operations.SingleAsync(o => o.Id == operationId);
            (op.State, op.HeartbeatAt) = (OperationState.Running, DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        await _world.Job.RunAsync(operationId, CancellationToken.None);

        Assert.Empty(_world.Fake.Commands);
        Assert.Equal(ShareStatus.Creating, _world.Share(shareId).Status);
    }

    [Fact]
    public async Task A_host_failure_ends_in_error_with_a_sentence_that_says_what_to_do()
    {
        var shareId = await RequestAsync();
        _world.Fake.FailNext(new StorageHostException(StorageFailure.Unreachable, "Cannot reach 192.0.2.10:22: connection refused."));

        await _world.RunQueuedJobsAsync();

        var share = _world.Share(shareId);
        Assert.Equal(ShareStatus.Error, share.Status);
        Assert.Contains("could not be created", share.StatusMessage, StringComparison.Ordinal);
        Assert.Contains("connection refused", share.StatusMessage, StringComparison.Ordinal);
        Assert.Contains("ask an admin", share.StatusMessage, StringComparison.Ordinal);
        var operation = _world.OperationsOf(shareId).Single();
        Assert.Equal(OperationState.Failed, operation.State);
        Assert.Equal(StepOutcome.Failed, operation.Steps.Last().Outcome);
    }

    [Fact]
    public async Task When_no_pool_has_room_the_share_ends_in_error_and_says_why()
    {
        _world.Fake.AddPool("tank", sizeBytes: 1L * 1024 * 1024 * 1024);
        var shareId = await RequestAsync(size: "5");

        await _world.RunQueuedJobsAsync();

        var share = _world.Share(shareId);
        Assert.Equal(ShareStatus.Error, share.Status);
        Assert.Contains("No storage pool can take a 5 GiB share", share.StatusMessage, StringComparison.Ordinal);
        Assert.Contains("fake/tank has 1 GiB free", share.StatusMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(_world.Fake.DatasetNames, d => d.Contains('/', StringComparison.Ordinal));
    }

    [Fact]
    public async Task While_a_slow_step_runs_the_steps_before_it_are_already_shown()
    {
        var shareId = await RequestAsync();
        _world.Fake.Latency = OperationRun.ShowProgressAfter * 3;
        var operationId = Assert.Single(_world.Scheduler.Drain());

        var job = _world.Job.RunAsync(operationId, CancellationToken.None);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        List<OperationStep> steps;
        while ((steps = _world.OperationsOf(shareId).Single().Steps).All(s => !s.Name.StartsWith("Create dataset", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the create step was never shown while the job ran");
            await Task.Delay(20);
        }
        var shownWhileRunning = _world.Share(shareId).Status;
        await job;

        // Shown while the mount point was still being read: the share was not available yet.
        Assert.Equal(ShareStatus.Creating, shownWhileRunning);
        Assert.Equal(ShareStatus.Available, _world.Share(shareId).Status);
        Assert.Equal(3, _world.OperationsOf(shareId).Single().Steps.Count);
    }

    [Fact]
    public async Task Open_pages_are_told_when_the_share_is_placed_and_when_it_is_available()
    {
        var shareId = await RequestAsync();
        var seen = new List<(Guid ShareId, ShareStatus Status, string? Dataset)>();
        using var _ = _world.Events.Subscribe(c =>
        {
            var share = _world.Share(c.ShareId);
            lock (seen) seen.Add((c.ShareId, share.Status, share.Dataset));
            return Task.CompletedTask;
        });

        await _world.RunQueuedJobsAsync();

        lock (seen)
        {
            Assert.All(seen, c => Assert.Equal(shareId, c.ShareId));
            Assert.Contains(seen, c => c is { Status: ShareStatus.Creating, Dataset: not null });
            Assert.Equal(ShareStatus.Available, seen[^1].Status);
        }
    }

    [Fact]
    public async Task Recovery_requeues_operations_that_no_worker_is_carrying_out()
    {
        var shareId = await RequestAsync();
        var operationId = Assert.Single(_world.Scheduler.Enqueued);
        await using (var db = _world.Db.CreateDbContext())
        {
            var op = await db.Operations.SingleAsync(o => o.Id == operationId);
            (op.State, op.HeartbeatAt) = (OperationState.Running, DateTime.UtcNow.AddHours(-1));
            await db.SaveChangesAsync();
        }
        var recovery = new OperationRecovery(_world.Db, _world.Scheduler, TimeProvider.System, Options.Create(_world.Portal),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<OperationRecovery>.Instance);

        Assert.Equal(1, await recovery.RequeueStrandedAsync(CancellationToken.None));
        await _world.Job.RunAsync(_world.Scheduler.Enqueued[^1], CancellationToken.None);

        Assert.Equal(ShareStatus.Available, _world.Share(shareId).Status);
        Assert.Equal(0, await recovery.RequeueStrandedAsync(CancellationToken.None));
    }

    public void Dispose() => _world.Dispose();
}
