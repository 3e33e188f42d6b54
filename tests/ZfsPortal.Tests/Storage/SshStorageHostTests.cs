using System.Globalization;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

[Collection("storage-host")]
public sealed class SshStorageHostTests(StorageHostFixture host)
{
    private readonly RecordingCommandLog _log = new();

    // zfs-fuse 0.7 (pool version 23) predates lz4, so the local host is asked for gzip; OpenZFS hosts take lz4 alike.
    [Fact]
    public async Task Created_dataset_has_refquota_and_compression_as_zfs_reports_them()
    {
        var dataset = host.NewDatasetName();

        await host.Open(_log).CreateDatasetAsync(dataset, new Dictionary<string, string> { ["refquota"] = "1G", ["compression"] = "gzip" }, default);

        var local = await host.ZfsGetAsync(dataset, "refquota", "compression");
        Assert.NotNull(local);
        Assert.Equal("1073741824", local["refquota"]);
        Assert.Equal("gzip", local["compression"]);
    }

    [Fact]
    public async Task A_property_value_zfs_refuses_fails_with_zfs_own_explanation_and_creates_nothing()
    {
        var dataset = host.NewDatasetName();

        var error = await Assert.ThrowsAsync<StorageHostException>(() =>
            host.Open(_log).CreateDatasetAsync(dataset, new Dictionary<string, string> { ["compression"] = "nosuchalgorithm" }, default));

        Assert.Equal(StorageFailure.CommandFailed, error.Failure);
        Assert.Contains("'compression' must be one of", error.Message, StringComparison.Ordinal);
        Assert.Null(await host.ZfsGetAsync(dataset, "used"));
    }

    [Fact]
    public async Task GetDatasetProperties_returns_the_mountpoint_of_an_existing_dataset()
    {
        var dataset = host.NewDatasetName();
        await host.Open(_log).CreateDatasetAsync(dataset, new Dictionary<string, string>(), default);

        var props = await host.Open(_log).GetDatasetPropertiesAsync(dataset, ["mountpoint", "refquota"], default);

        Assert.NotNull(props);
        Assert.Equal("/" + dataset, props["mountpoint"]);
        Assert.Equal("0", props["refquota"]);
    }

    [Fact]
    public async Task Creating_a_dataset_or_snapshot_that_exists_says_so_and_changes_nothing()
    {
        var dataset = host.NewDatasetName();
        await host.Open(_log).CreateDatasetAsync(dataset, new Dictionary<string, string> { ["refquota"] = "1G" }, default);
        await host.Open(_log).CreateSnapshotAsync(dataset + "@once", default);

        var again = await Assert.ThrowsAsync<StorageHostException>(() => host.Open(_log).CreateDatasetAsync(
            dataset, new Dictionary<string, string> { ["refquota"] = "2G" }, default));
        var snapshotAgain = await Assert.ThrowsAsync<StorageHostException>(() => host.Open(_log).CreateSnapshotAsync(dataset + "@once", default));

        Assert.Equal(StorageFailure.AlreadyExists, again.Failure);
        Assert.Equal(StorageFailure.AlreadyExists, snapshotAgain.Failure);
        Assert.Equal("1073741824", (await host.ZfsGetAsync(dataset, "refquota"))?["refquota"]);
    }

    [Fact]
    public async Task Eight_creates_requested_together_run_at_most_four_at_once_and_all_succeed()
    {
        // zfs-fuse deadlocked under concurrent mounting commands (see HostGates); eight workers may ask together.
        var names = Enumerable.Range(0, 8).Select(_ => host.NewDatasetName()).ToList();

        await Task.WhenAll(names.Select(n => host.Open(_log).CreateDatasetAsync(n, new Dictionary<string, string>(), default)));

        var creates = _log.Records.Where(r => r.Argv.Contains("create")).ToList();
        Assert.Equal(8, creates.Count);
        var edges = creates.SelectMany(r => new[] { (At: r.StartedAt, Step: 1), (At: r.StartedAt + r.Duration, Step: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Step);
        var running = 0;
        var most = edges.Max(e => running += e.Step);
        Assert.InRange(most, 1, HostGates.MountingCommandsAtOnce);
        foreach (var name in names)
            Assert.NotNull(await host.ZfsGetAsync(name, "mounted"));
    }

    [Fact]
    public async Task GetDatasetProperties_returns_null_for_an_absent_dataset()
    {
        var absent = $"{host.Pool}/{StorageHostFixture.TestDatasetPrefix}absent_{Guid.NewGuid():N}";

        Assert.Null(await host.Open(_log).GetDatasetPropertiesAsync(absent, ["mountpoint"], default));
        Assert.Equal(1, Assert.Single(_log.Records).ExitCode);
    }

    [Fact]
    public async Task Other_read_failures_are_not_mistaken_for_an_absent_dataset()
    {
        var error = await Assert.ThrowsAsync<StorageHostException>(
            () => host.Open(_log).GetDatasetPropertiesAsync(host.Pool, ["nosuchproperty"], default));

        Assert.Equal(StorageFailure.CommandFailed, error.Failure);
        Assert.Contains("nosuchproperty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pool_capacity_matches_local_zfs_get()
    {
        var before = await host.ZfsGetAsync(host.Pool, "available", "used");
        var capacity = await host.Open(_log).GetPoolCapacityAsync(host.Pool, default);
        var after = await host.ZfsGetAsync(host.Pool, "available", "used");

        // Other test collections may write to the same pool meanwhile: allow what moved between the readings plus 16 MiB.
        const long slack = 16 * 1024 * 1024;
        Assert.Equal(host.Pool, capacity.Pool);
        Assert.InRange(capacity.AvailableBytes, Bytes(after!["available"]) - slack, Bytes(before!["available"]) + slack);
        Assert.InRange(capacity.UsedBytes, Bytes(before["used"]) - slack, Bytes(after["used"]) + slack);
        Assert.True(capacity.AvailableBytes > 0);
    }

    [Fact]
    public async Task A_successful_command_is_recorded_with_argv_exit_code_and_duration()
    {
        var backend = host.Backend;
        var startedBefore = DateTimeOffset.UtcNow;

        await host.Open(_log, backend).GetPoolCapacityAsync(host.Pool, default);

        var record = Assert.Single(_log.Records);
        Assert.Equal(backend.Name, record.Backend);
        Assert.Equal(new ZfsCommands(backend).GetPoolCapacity(host.Pool), record.Argv);
        Assert.Equal(["/usr/bin/sudo", "-n"], record.Argv.Take(2));
        Assert.Equal("/usr/sbin/zfs", new ZfsCommands(backend).Shown(record.Argv)[0]);
        Assert.Equal(0, record.ExitCode);
        Assert.Equal("", record.Stderr);
        Assert.InRange(record.Duration, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(10));
        Assert.InRange(record.StartedAt, startedBefore, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_failed_command_is_recorded_and_its_stderr_reaches_the_message()
    {
        var absent = $"{host.Pool}/{StorageHostFixture.TestDatasetPrefix}absent_{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<StorageHostException>(
            () => host.Open(_log).CreateSnapshotAsync(absent + "@s", default));

        var record = Assert.Single(_log.Records);
        Assert.Equal(StorageFailure.CommandFailed, error.Failure);
        Assert.Same(record, error.Command);
        Assert.Equal("snapshot", new ZfsCommands(host.Backend).Shown(record.Argv)[1]);
        Assert.NotEqual(0, record.ExitCode);
        Assert.Contains("does not exist", record.Stderr, StringComparison.Ordinal);
        Assert.Contains(record.Stderr, error.Message, StringComparison.Ordinal);
        Assert.True(record.Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task Awkward_arguments_reach_the_remote_command_unchanged()
    {
        string[] words = ["with space", "it's", "$(id)", "`id`", "a;b|c&d", "", "x=y", "line1\nline2", "日本語", "*"];

        var result = await host.OpenSsh(_log).RunAsync(["printf", "[%s]", .. words], readOnly: true, default);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Concat(words.Select(w => $"[{w}]")), result.Stdout);
    }

    [Fact]
    public async Task A_command_that_outlives_its_timeout_is_recorded_and_reported_as_timeout()
    {
        var backend = host.Backend;
        backend.CommandTimeoutSeconds = 1;

        var error = await Assert.ThrowsAsync<StorageHostException>(
            () => host.OpenSsh(_log, backend).RunAsync(["/bin/sleep", "5"], readOnly: true, default));

        Assert.Equal(StorageFailure.Timeout, error.Failure);
        var record = Assert.Single(_log.Records);
        Assert.Equal(-1, record.ExitCode);
        Assert.InRange(record.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Assert.Contains("timed out", record.Stderr, StringComparison.Ordinal);

        // The connection stays usable for the next command.
        Assert.NotNull(await host.Open(_log, backend).GetDatasetPropertiesAsync(host.Pool, ["used"], default));
    }

    [Fact]
    public async Task Sudo_refusal_is_explained_with_the_sudoers_fix()
    {
        var backend = host.Backend;
        // A real binary sudoers does not allow for this user: in place of the guard when the host has one, else of zfs.
        if (backend.GuardPath.Length > 0)
        {
            backend.GuardPath = "/usr/bin/id";
        }
        else
        {
            backend.ZfsPath = "/usr/bin/id";
        }

        var error = await Assert.ThrowsAsync<StorageHostException>(
            () => host.Open(_log, backend).GetPoolCapacityAsync(host.Pool, default));

        Assert.Equal(StorageFailure.CommandFailed, error.Failure);
        Assert.Contains("sudo", error.Message, StringComparison.Ordinal);
        Assert.Contains("/usr/bin/id", error.Message, StringComparison.Ordinal);
    }

    private static long Bytes(string value) => long.Parse(value, CultureInfo.InvariantCulture);
}
