using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class FakeStorageHostSnapshotTests
{
    private static readonly Dictionary<string, string> None = [];
    private readonly FakeStorageHost _host = new();
    private readonly RecordingCommandLog _log = new();

    private IStorageHost Open() => _host.Open(_host.Backend, _log);

    private string[] Verbs() => [.. _log.Records.Select(r => string.Join(' ', r.Argv.Skip(3).Take(1)))];

    [Fact]
    public async Task SetProperties_runs_one_zfs_set_each_and_reads_back_in_bytes()
    {
        _host.AddDataset("tank/s1");

        await Open().SetPropertiesAsync("tank/s1", new Dictionary<string, string> { ["refquota"] = "2G", ["compression"] = "lz4" }, default);

        Assert.Equal("2147483648", _host.Properties("tank/s1")!["refquota"]);
        Assert.Equal("lz4", _host.Properties("tank/s1")!["compression"]);
        Assert.Equal(
            [new ZfsCommands(_host.Backend).SetProperty("tank/s1", "compression", "lz4"), new ZfsCommands(_host.Backend).SetProperty("tank/s1", "refquota", "2G")],
            _log.Records.Select(r => r.Argv));
    }

    [Fact]
    public async Task Shrinking_refquota_below_used_fails_like_zfs()
    {
        _host.AddDataset("tank/s1", new Dictionary<string, string> { ["refquota"] = "2G" });
        _host.SetProperty("tank/s1", "used", "1610612736");

        var error = await Assert.ThrowsAsync<StorageHostException>(() =>
            Open().SetPropertiesAsync("tank/s1", new Dictionary<string, string> { ["refquota"] = "1G" }, default));

        Assert.Contains("size is less than current used", error.Message, StringComparison.Ordinal);
        Assert.Equal("2147483648", _host.Properties("tank/s1")!["refquota"]);
    }

    [Fact]
    public async Task Destroy_unmounts_then_destroys_and_says_whether_it_existed()
    {
        _host.AddDataset("tank/s1");

        Assert.True(await Open().DestroyDatasetAsync("tank/s1", default));
        Assert.False(_host.Exists("tank/s1"));
        Assert.Equal(["unmount", "destroy"], Verbs());
        Assert.False(await Open().DestroyDatasetAsync("tank/s1", default));
        Assert.Equal(["unmount", "destroy", "unmount"], Verbs());
    }

    [Fact]
    public async Task Destroy_retries_while_busy_and_gives_up_where_the_real_host_does()
    {
        _host.AddDataset("tank/s1");
        _host.AddDataset("tank/s2");
        _host.SetBusy("tank/s1", 2);
        _host.SetBusy("tank/s2", int.MaxValue);

        Assert.True(await Open().DestroyDatasetAsync("tank/s1", default));
        var error = await Assert.ThrowsAsync<StorageHostException>(() => Open().DestroyDatasetAsync("tank/s2", default));

        Assert.Contains("dataset is busy", error.Message, StringComparison.Ordinal);
        Assert.Equal(1 + 3 + 1 + SshStorageHost.MaxDestroyAttempts, _log.Records.Count);
        Assert.True(_host.Exists("tank/s2"));
    }

    [Fact]
    public async Task Destroy_of_a_dataset_with_snapshots_fails_like_zfs_and_keeps_it()
    {
        _host.AddDataset("tank/s1");
        _host.AddSnapshot("tank/s1@a");

        var error = await Assert.ThrowsAsync<StorageHostException>(() => Open().DestroyDatasetAsync("tank/s1", default));

        Assert.Contains("has children", error.Message, StringComparison.Ordinal);
        Assert.Contains("tank/s1@a", error.Message, StringComparison.Ordinal);
        Assert.True(_host.Exists("tank/s1"));
    }

    [Fact]
    public async Task Snapshots_are_made_listed_with_sizes_and_destroyed()
    {
        _host.AddDataset("tank/s1", new Dictionary<string, string> { ["referenced"] = "5000" });

        await Open().CreateSnapshotAsync("tank/s1@a", default);
        await Open().CreateSnapshotAsync("tank/s1@b", default);
        _host.SetProperty("tank/s1@a", "used", "4096");
        var listed = await Open().GetSnapshotsAsync("tank/s1", ["used", "referenced"], default);

        Assert.NotNull(listed);
        Assert.Equal(["tank/s1@a", "tank/s1@b"], listed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("4096", listed["tank/s1@a"]["used"]);
        Assert.Equal("5000", listed["tank/s1@b"]["referenced"]);
        Assert.True(await Open().DestroySnapshotAsync("tank/s1@a", default));
        Assert.False(await Open().DestroySnapshotAsync("tank/s1@a", default));
        Assert.Equal(["tank/s1@b"], _host.SnapshotsOf("tank/s1"));
    }

    [Fact]
    public async Task Snapshot_listing_is_empty_without_snapshots_and_null_without_the_dataset()
    {
        _host.AddDataset("tank/s1");
        Assert.Empty((await Open().GetSnapshotsAsync("tank/s1", ["used"], default))!);
        Assert.Null(await Open().GetSnapshotsAsync("tank/none", ["used"], default));
    }

    [Fact]
    public async Task Creating_an_existing_snapshot_or_one_of_a_missing_dataset_fails_like_zfs()
    {
        _host.AddDataset("tank/s1");
        _host.AddSnapshot("tank/s1@a");

        Assert.Contains("dataset already exists",
            (await Assert.ThrowsAsync<StorageHostException>(() => Open().CreateSnapshotAsync("tank/s1@a", default))).Message, StringComparison.Ordinal);
        Assert.Contains("dataset does not exist",
            (await Assert.ThrowsAsync<StorageHostException>(() => Open().CreateSnapshotAsync("tank/none@a", default))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_copy_is_independent_has_no_snapshot_and_carries_the_properties()
    {
        _host.AddDataset("tank/s1", new Dictionary<string, string> { ["referenced"] = "7000" });
        _host.AddSnapshot("tank/s1@a");

        await Open().CopyFromSnapshotAsync("tank/s1@a", "tank/s2", new Dictionary<string, string> { ["refquota"] = "1G" }, default);

        var copy = _host.Properties("tank/s2")!;
        Assert.Equal("1073741824", copy["refquota"]);
        Assert.Equal("7000", copy["referenced"]);
        Assert.False(copy.ContainsKey("origin"));
        Assert.Empty(_host.SnapshotsOf("tank/s2"));
        Assert.Equal(
            [.. new ZfsCommands(_host.Backend).Send("tank/s1@a"), "|", .. new ZfsCommands(_host.Backend).Receive("tank/s2")],
            _log.Records[0].Argv);
        Assert.Equal(["send", "destroy", "set"], Verbs());
        Assert.True(await Open().DestroySnapshotAsync("tank/s1@a", default));
    }

    [Fact]
    public async Task A_copy_of_a_missing_snapshot_fails_and_makes_nothing()
    {
        _host.AddDataset("tank/s1");

        var error = await Assert.ThrowsAsync<StorageHostException>(() => Open().CopyFromSnapshotAsync("tank/s1@none", "tank/s2", None, default));

        Assert.Contains("failed to read from stream", error.Message, StringComparison.Ordinal);
        Assert.False(_host.Exists("tank/s2"));
    }

    [Fact]
    public async Task A_clone_pins_its_origin_snapshot_until_it_is_destroyed()
    {
        _host.AddDataset("tank/s1");
        _host.AddSnapshot("tank/s1@a");

        await Open().CloneSnapshotAsync("tank/s1@a", "tank/s2", new Dictionary<string, string> { ["refquota"] = "1G" }, default);
        var error = await Assert.ThrowsAsync<StorageHostException>(() => Open().DestroySnapshotAsync("tank/s1@a", default));

        Assert.Equal("tank/s1@a", _host.Properties("tank/s2")!["origin"]);
        Assert.Equal("1073741824", _host.Properties("tank/s2")!["refquota"]);
        Assert.Contains("snapshot has dependent clones", error.Message, StringComparison.Ordinal);
        Assert.Contains("tank/s2", error.Message, StringComparison.Ordinal);
        Assert.True(await Open().DestroyDatasetAsync("tank/s2", default));
        Assert.True(await Open().DestroySnapshotAsync("tank/s1@a", default));
    }

    [Fact]
    public async Task FailNext_fails_each_new_call_at_its_first_command_and_changes_nothing()
    {
        _host.AddDataset("tank/s1");
        _host.AddSnapshot("tank/s1@a");
        var calls = new Func<Task>[]
        {
            () => Open().SetPropertiesAsync("tank/s1", new Dictionary<string, string> { ["refquota"] = "1G" }, default),
            () => Open().DestroyDatasetAsync("tank/s1", default),
            () => Open().CreateSnapshotAsync("tank/s1@b", default),
            () => Open().DestroySnapshotAsync("tank/s1@a", default),
            () => Open().GetSnapshotsAsync("tank/s1", ["used"], default),
            () => Open().CopyFromSnapshotAsync("tank/s1@a", "tank/s2", None, default),
            () => Open().CloneSnapshotAsync("tank/s1@a", "tank/s3", None, default),
            () => Open().ApplyExportsAsync(new NfsExport("tank/s1", "/tank/s1", [new(AccessTarget.Parse("203.0.113.154"), NfsAccessLevel.ReadWrite, true)]), default),
            () => Open().ReadExportsAsync("/tank/s1", default),
        };

        foreach (var call in calls)
        {
            _host.FailNext(new StorageHostException(StorageFailure.CommandFailed, "injected"));
            var before = _log.Records.Count;
            Assert.Equal("injected", (await Assert.ThrowsAsync<StorageHostException>(call)).Message);
            Assert.Equal(before + 1, _log.Records.Count);
        }

        Assert.Equal("0", _host.Properties("tank/s1")!["refquota"]);
        Assert.Equal(["tank/s1@a"], _host.SnapshotsOf("tank/s1"));
        Assert.False(_host.Exists("tank/s2") || _host.Exists("tank/s3"));
        Assert.Empty(_host.ExportsOf("/tank/s1"));
    }
}
