using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class FakeStorageHostTests
{
    private readonly FakeStorageHost _host = new();
    private readonly RecordingCommandLog _log = new();

    private IStorageHost Open() => _host.Open(_host.Backend, _log);

    [Fact]
    public async Task Created_dataset_reads_back_with_mountpoint_refquota_in_bytes_used_and_available()
    {
        await Open().CreateDatasetAsync("tank/s1", new Dictionary<string, string> { ["refquota"] = "1G", ["compression"] = "lz4" }, default);

        var props = await Open().GetDatasetPropertiesAsync("tank/s1", ["mountpoint", "refquota", "compression", "used", "available"], default);

        Assert.NotNull(props);
        Assert.Equal("/tank/s1", props["mountpoint"]);
        Assert.Equal("1073741824", props["refquota"]);
        Assert.Equal("lz4", props["compression"]);
        Assert.Equal((1073741824 - FakeStorageHost.EmptyDatasetUsedBytes).ToString(System.Globalization.CultureInfo.InvariantCulture), props["available"]);
    }

    [Fact]
    public async Task Absent_dataset_reads_as_null_and_is_still_recorded()
    {
        Assert.Null(await Open().GetDatasetPropertiesAsync("tank/none", ["mountpoint"], default));
        var record = Assert.Single(_log.Records);
        Assert.Equal(1, record.ExitCode);
        Assert.Contains("dataset does not exist", record.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_an_existing_dataset_fails_like_zfs()
    {
        _host.AddDataset("tank/s1");
        var error = await Assert.ThrowsAsync<StorageHostException>(() => Open().CreateDatasetAsync("tank/s1", new Dictionary<string, string>(), default));
        Assert.Equal(StorageFailure.AlreadyExists, error.Failure);
        Assert.Contains("dataset already exists", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Creating_below_a_missing_parent_fails_like_zfs()
    {
        var error = await Assert.ThrowsAsync<StorageHostException>(() => Open().CreateDatasetAsync("tank/a/b", new Dictionary<string, string>(), default));
        Assert.Contains("parent does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_are_recorded_with_the_real_argv()
    {
        await Open().CreateDatasetAsync("tank/s1", new Dictionary<string, string> { ["refquota"] = "1G" }, default);
        var record = Assert.Single(_log.Records);
        Assert.Equal(new ZfsCommands(_host.Backend).CreateDataset("tank/s1", new Dictionary<string, string> { ["refquota"] = "1G" }), record.Argv);
        Assert.Equal(0, record.ExitCode);
        Assert.Equal("fake", record.Backend);
        Assert.Equal(_log.Records, _host.Commands);
    }

    [Fact]
    public async Task FailNext_fails_exactly_the_next_call()
    {
        _host.FailNext(new StorageHostException(StorageFailure.Unreachable, "host down"));

        var error = await Assert.ThrowsAsync<StorageHostException>(() => Open().GetPoolCapacityAsync("tank", default));
        Assert.Equal(StorageFailure.Unreachable, error.Failure);
        Assert.Empty(_log.Records);
        Assert.NotNull(await Open().GetPoolCapacityAsync("tank", default));
    }

    [Fact]
    public async Task An_injected_command_failure_is_recorded_like_a_failed_command()
    {
        _host.FailNext(new StorageHostException(StorageFailure.CommandFailed, "cannot create: out of space"));
        await Assert.ThrowsAsync<StorageHostException>(() => Open().CreateDatasetAsync("tank/s1", new Dictionary<string, string>(), default));
        Assert.False(_host.Exists("tank/s1"));
        Assert.Equal(1, Assert.Single(_log.Records).ExitCode);
    }

    [Fact]
    public async Task Pool_capacity_shrinks_by_what_datasets_use()
    {
        var before = await Open().GetPoolCapacityAsync("tank", default);
        _host.AddDataset("tank/s1");
        _host.SetProperty("tank/s1", "used", "1048576");
        var after = await Open().GetPoolCapacityAsync("tank", default);

        Assert.Equal(FakeStorageHost.DefaultPoolSizeBytes, before.AvailableBytes + before.UsedBytes);
        Assert.Equal(1048576, after.UsedBytes);
        Assert.Equal(before.AvailableBytes - 1048576, after.AvailableBytes);
    }

    [Fact]
    public async Task Invalid_names_are_refused_as_by_the_real_host() =>
        await Assert.ThrowsAsync<ArgumentException>(() => Open().CreateDatasetAsync("tank/a b", new Dictionary<string, string>(), default));

    [Fact]
    public void Open_remembers_which_backend_was_used()
    {
        _host.Open(new BackendOptions { Name = "other" }, _log);
        Assert.Equal(["other"], _host.OpenedBackends);
    }
}
