using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using ZfsPortal.Data;
using ZfsPortal.Features.Snapshots.Revert;
using ZfsPortal.Features.Snapshots.Schedules;
using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Snapshots;

/// <summary>Snapshot policies and revert through the portal's services and jobs on the real host, read back with local zfs.</summary>
[Collection("storage-host")]
public sealed class SnapshotPolicyAndRevertOnRealHostTests(StorageHostFixture host) : IDisposable
{
    private readonly TestWorld _world = new(new SshStorageHostFactory(host.Connections, TimeProvider.System), host.Backend);
    private readonly List<string> _datasets = [];

    [Fact]
    public async Task A_fast_schedule_takes_snapshots_on_the_host_and_prunes_them_to_its_retention()
    {
        var (share, member, _) = await _world.AvailableShareAsync("scheduled", 1);
        _datasets.Add(share.Dataset!);
        var everySecond = new SnapshotPolicyInput(ScheduleKind.Cron, 0, 0, DayOfWeek.Sunday, "* * * * * *", "UTC", 2);
        Assert.True((await _world.Service<SnapshotPolicyService>().SetForShareAsync(member, share.Id, everySecond)).Succeeded);
        var runner = new SnapshotScheduleRunner(_world.Db, _world.Service<OperationIntake>(), TimeProvider.System, NullLogger<SnapshotScheduleRunner>.Instance);

        for (var pass = 0; pass < 4; pass++)
        {
            await Task.Delay(1100);
            await runner.RunDueAsync(default);
            await _world.RunQueuedJobsAsync();
        }
        // A pass with the clock held at the last run takes nothing new and prunes what that run left over.
        await using var db = _world.Db.CreateDbContext();
        var last = db.Snapshots.Where(s => s.ShareId == share.Id).Max(s => s.ScheduledFor)!.Value;
        await new SnapshotScheduleRunner(_world.Db, _world.Service<OperationIntake>(), new HeldClock(last), NullLogger<SnapshotScheduleRunner>.Instance).RunDueAsync(default);
        await _world.RunQueuedJobsAsync();

        var kept = db.Snapshots.Where(s => s.ShareId == share.Id).OrderBy(s => s.ScheduledFor).ToList();
        Assert.True(kept.Count == 2, $"Expected the retention's 2, found {string.Join(", ", kept.Select(s => $"{s.Name} {s.Status}"))}");
        Assert.All(kept, s => Assert.Equal((SnapshotStatus.Available, true), (s.Status, s.Name.StartsWith("auto-", StringComparison.Ordinal))));
        Assert.Equal(kept.Select(s => s.ZfsName).Order(StringComparer.Ordinal), (await host.ZfsSnapshotsAsync(share.Dataset!)).Order(StringComparer.Ordinal));
        Assert.True(_world.OperationsOf(share.Id).Count(o => o.Kind == OperationKind.DeleteSnapshot && o.State == OperationState.Succeeded) >= 2);
    }

    [Fact]
    public async Task Revert_restores_a_file_changed_after_the_snapshot_and_keeps_access_rules_and_size()
    {
        var (share, member, _) = await _world.AvailableShareAsync("reverted", 1);
        _datasets.Add(share.Dataset!);
        Assert.True((await _world.Access.AllowAsync(member, share.Id, "203.0.113.61", "rw")).Succeeded);
        await _world.RunQueuedJobsAsync();
        var mountpoint = share.ExportLocation!.Split(':', 2)[1];
        await StorageHostFixture.WriteFileAsync(share.Dataset!, "report.txt", Encoding.UTF8.GetBytes("as it was"));
        var snapshotId = (await _world.Snapshots.CreateAsync(member, share.Id, "good", null)).Id!.Value;
        await _world.RunQueuedJobsAsync();
        await StorageHostFixture.WriteFileAsync(share.Dataset!, "report.txt", Encoding.UTF8.GetBytes("overwritten by mistake"));
        await StorageHostFixture.WriteFileAsync(share.Dataset!, "junk.bin", System.Security.Cryptography.RandomNumberGenerator.GetBytes(2 * 1024 * 1024)); // random: compression keeps zeros small

        // A real host's reading lags the same way, by seconds.
        await host.CommitOpenTransactionGroupAsync();
        var reverts = _world.Service<RevertShareService>();
        RevertPreview preview;
        for (var waited = 0; (preview = await reverts.PreviewAsync(member, snapshotId)).WrittenBytes < 1024 * 1024 && waited < 30; waited++)
            await Task.Delay(500);
        Assert.Null(preview.Refusal);
        Assert.True(preview.WrittenBytes >= 1024 * 1024, $"written since the snapshot read {preview.WrittenBytes}");

        Assert.True((await reverts.RevertAsync(member, snapshotId, confirmed: true)).Succeeded);
        await _world.RunQueuedJobsAsync();
        var revert = _world.OperationsOf(share.Id).Single(o => o.Kind == OperationKind.RevertToSnapshot);
        Assert.True(revert.State == OperationState.Succeeded, $"{revert.State}: {revert.Message}; {string.Join(" | ", revert.Steps.Select(s => $"{s.Name}: {s.Detail}"))}");

        Assert.Equal("as it was", await File.ReadAllTextAsync(Path.Combine(mountpoint, "report.txt")));
        Assert.False(File.Exists(Path.Combine(mountpoint, "junk.bin")));
        var after = _world.Share(share.Id);
        Assert.Equal((ShareStatus.Available, null), (after.Status, after.StatusMessage));
        Assert.Equal((1024L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
            (await host.ZfsGetAsync(share.Dataset!, "refquota"))!["refquota"]);
        Assert.Contains(await host.ExportsOfAsync(mountpoint), e => e.Client == "203.0.113.61" && e.Options.Split(',').Contains("rw"));
        var commands = _world.CommandsOf(_world.OperationsOf(share.Id).Single(o => o.Kind == OperationKind.RevertToSnapshot).Id);
        Assert.Contains(commands, c => c.CommandLine.EndsWith($"rollback {_world.Snapshot(snapshotId)!.ZfsName}", StringComparison.Ordinal) && c.ExitCode == 0);
    }

    private sealed class HeldClock(DateTime at) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
    }

    public void Dispose()
    {
        foreach (var dataset in _datasets)
        {
            host.ExportsOfAsync("/" + dataset).GetAwaiter().GetResult()
                .ToList().ForEach(e => StorageHostFixture.RunLocalAsync(host.Backend.ExportfsPath, "-u", $"{e.Client}:/{dataset}").GetAwaiter().GetResult());
            host.DestroyDatasetAsync(dataset).GetAwaiter().GetResult();
        }
        _world.Dispose();
    }
}
