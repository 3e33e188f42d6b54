using System.Globalization;
using System.Text;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>Properties, destroy, snapshots, copies and clones on the real host, each read back with local zfs.</summary>
[Collection("storage-host")]
public sealed class SnapshotsAndCopiesTests(StorageHostFixture host)
{
    private static readonly Dictionary<string, string> None = [];
    private readonly RecordingCommandLog _log = new();

    private IStorageHost Host => host.Open(_log);

    private async Task<string> NewDatasetAsync()
    {
        var dataset = host.NewDatasetName();
        await Host.CreateDatasetAsync(dataset, None, default);
        return dataset;
    }

    private int Count(string verb) => _log.Records.Count(r => new ZfsCommands(host.Backend).Shown(r.Argv) is [_, var v, ..] && v == verb);

    [Fact]
    public async Task SetProperties_sets_each_property_as_zfs_reports_it()
    {
        var dataset = await NewDatasetAsync();

        await Host.SetPropertiesAsync(dataset, new Dictionary<string, string> { ["refquota"] = "2G", ["compression"] = "gzip" }, default);

        var local = await host.ZfsGetAsync(dataset, "refquota", "compression");
        Assert.Equal("2147483648", local!["refquota"]);
        Assert.Equal("gzip", local["compression"]);
        Assert.Equal(2, Count("set"));
    }

    [Fact]
    public async Task SetProperties_explains_a_shrink_below_what_is_used_and_changes_nothing()
    {
        var dataset = await NewDatasetAsync();
        await Host.SetPropertiesAsync(dataset, new Dictionary<string, string> { ["refquota"] = "1G" }, default);
        await StorageHostFixture.WriteFileAsync(dataset, "big", new byte[2 * 1024 * 1024]);
        await Task.Delay(200); // zfs-fuse accounts written blocks a moment later

        var error = await Assert.ThrowsAsync<StorageHostException>(() =>
            Host.SetPropertiesAsync(dataset, new Dictionary<string, string> { ["refquota"] = "1M" }, default));

        Assert.Contains("size is less than current used", error.Message, StringComparison.Ordinal);
        Assert.Equal("1073741824", (await host.ZfsGetAsync(dataset, "refquota"))!["refquota"]);
    }

    [Fact]
    public async Task Destroy_removes_a_fresh_mounted_dataset_and_an_absent_one_is_false()
    {
        var dataset = await NewDatasetAsync();

        Assert.True(await Host.DestroyDatasetAsync(dataset, default));
        Assert.Null(await host.ZfsGetAsync(dataset, "used"));
        Assert.Equal(1, Count("unmount"));
        Assert.InRange(Count("destroy"), 1, SshStorageHost.MaxDestroyAttempts);

        Assert.False(await Host.DestroyDatasetAsync(dataset, default));
    }

    [Fact]
    public async Task Destroy_retries_while_a_process_holds_a_file_open_and_succeeds_once_it_lets_go()
    {
        var dataset = await NewDatasetAsync();
        var held = new FileStream($"/{dataset}/held", FileMode.Create);
        var release = Task.Delay(400).ContinueWith(_ => held.Dispose(), TaskScheduler.Default);

        var destroyed = await Host.DestroyDatasetAsync(dataset, default);
        await release;

        Assert.True(destroyed);
        Assert.Null(await host.ZfsGetAsync(dataset, "used"));
        Assert.InRange(Count("destroy"), 2, SshStorageHost.MaxDestroyAttempts);
        Assert.Contains(_log.Records, r => r.ExitCode != 0 && (r.Stderr.Contains("busy", StringComparison.Ordinal) || r.Stderr.Contains("cannot unmount", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Destroy_of_a_dataset_with_snapshots_is_refused_in_plain_words_and_leaves_it_mounted()
    {
        var dataset = await NewDatasetAsync();
        await Host.CreateSnapshotAsync(dataset + "@keep", default);

        var error = await Assert.ThrowsAsync<StorageHostException>(() => Host.DestroyDatasetAsync(dataset, default));

        Assert.Equal(StorageFailure.CommandFailed, error.Failure);
        Assert.Contains("still has snapshots", error.Message, StringComparison.Ordinal);
        Assert.Contains(dataset + "@keep", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, Count("destroy"));
        var local = await host.ZfsGetAsync(dataset, "mounted");
        Assert.Equal("yes", local!["mounted"]);
        Assert.Equal([dataset + "@keep"], await host.ZfsSnapshotsAsync(dataset));
    }

    [Fact]
    public async Task Snapshots_are_created_listed_with_their_sizes_and_destroyed()
    {
        var dataset = await NewDatasetAsync();
        await StorageHostFixture.WriteFileAsync(dataset, "data", RandomBytes(512 * 1024));
        Assert.Empty((await Host.GetSnapshotsAsync(dataset, ["used"], default))!);

        await Host.CreateSnapshotAsync($"{dataset}@one", default);
        await Host.CreateSnapshotAsync($"{dataset}@two", default);
        var listed = await Host.GetSnapshotsAsync(dataset, ["used", "referenced"], default);

        Assert.Equal([$"{dataset}@one", $"{dataset}@two"], await host.ZfsSnapshotsAsync(dataset));
        Assert.NotNull(listed);
        Assert.Equal([$"{dataset}@one", $"{dataset}@two"], listed.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, values) in listed)
        {
            var local = await host.ZfsGetAsync(name, "used", "referenced");
            Assert.Equal(local!["referenced"], values["referenced"]);
            Assert.Equal(local["used"], values["used"]);
            Assert.True(long.Parse(values["referenced"], CultureInfo.InvariantCulture) >= 512 * 1024);
        }

        Assert.True(await Host.DestroySnapshotAsync($"{dataset}@one", default));
        Assert.False(await Host.DestroySnapshotAsync($"{dataset}@one", default));
        Assert.Equal([$"{dataset}@two"], await host.ZfsSnapshotsAsync(dataset));
    }

    [Fact]
    public async Task Snapshots_of_an_absent_dataset_are_null_and_destroying_one_is_false()
    {
        var absent = $"{host.Pool}/{StorageHostFixture.TestDatasetPrefix}absent_{Guid.NewGuid():N}";

        Assert.Null(await Host.GetSnapshotsAsync(absent, ["used"], default));
        Assert.False(await Host.DestroySnapshotAsync(absent + "@x", default));
    }

    [Fact]
    public async Task A_copy_holds_the_data_has_no_snapshot_no_origin_and_its_properties()
    {
        var source = await NewDatasetAsync();
        await StorageHostFixture.WriteFileAsync(source, "hello.txt", Encoding.UTF8.GetBytes("hello from the source\n"));
        await Host.CreateSnapshotAsync($"{source}@s", default);
        var copy = host.NewDatasetName();

        await Host.CopyFromSnapshotAsync($"{source}@s", copy, new Dictionary<string, string> { ["refquota"] = "1G", ["compression"] = "gzip" }, default);

        Assert.Equal("hello from the source\n", await File.ReadAllTextAsync($"/{copy}/hello.txt"));
        Assert.Empty(await host.ZfsSnapshotsAsync(copy));
        var local = await host.ZfsGetAsync(copy, "origin", "refquota", "compression", "mounted");
        Assert.Equal(("-", "1073741824", "gzip", "yes"), (local!["origin"], local["refquota"], local["compression"], local["mounted"]));

        var pipeline = _log.Records.Single(r => r.Argv.Contains("|"));
        Assert.Equal(0, pipeline.ExitCode);
        var zfs = new ZfsCommands(host.Backend);
        Assert.Equal(zfs.GuardedCopy($"{source}@s", copy) ?? [.. zfs.Send($"{source}@s"), "|", .. zfs.Receive(copy)], pipeline.Argv);

        // Independent: the source snapshot goes, and so can the copy, with no -r.
        Assert.True(await Host.DestroySnapshotAsync($"{source}@s", default));
        Assert.True(await Host.DestroyDatasetAsync(copy, default));
    }

    [Fact]
    public async Task A_copy_of_an_absent_snapshot_fails_and_leaves_no_dataset()
    {
        var source = await NewDatasetAsync();
        var copy = host.NewDatasetName();

        var error = await Assert.ThrowsAsync<StorageHostException>(() => Host.CopyFromSnapshotAsync($"{source}@absent", copy, None, default));

        Assert.Equal(StorageFailure.CommandFailed, error.Failure);
        Assert.NotEqual(0, error.Command!.ExitCode);
        Assert.Contains("|", error.Command.Argv);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Null(await host.ZfsGetAsync(copy, "used"));
    }

    [Fact]
    public async Task A_copy_onto_an_existing_dataset_fails_and_leaves_that_dataset_alone()
    {
        var source = await NewDatasetAsync();
        await Host.CreateSnapshotAsync($"{source}@s", default);
        var existing = await NewDatasetAsync();
        await StorageHostFixture.WriteFileAsync(existing, "mine", [1, 2, 3]);

        await Assert.ThrowsAsync<StorageHostException>(() => Host.CopyFromSnapshotAsync($"{source}@s", existing, None, default));

        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync($"/{existing}/mine"));
        Assert.Empty(await host.ZfsSnapshotsAsync(existing));
    }

    [Fact]
    public async Task A_copy_whose_properties_cannot_be_set_is_removed_again()
    {
        var source = await NewDatasetAsync();
        await StorageHostFixture.WriteFileAsync(source, "big", RandomBytes(2 * 1024 * 1024));
        await Host.CreateSnapshotAsync($"{source}@s", default);
        var copy = host.NewDatasetName();

        var error = await Assert.ThrowsAsync<StorageHostException>(() =>
            Host.CopyFromSnapshotAsync($"{source}@s", copy, new Dictionary<string, string> { ["refquota"] = "1M" }, default));

        Assert.Contains("refquota", error.Message, StringComparison.Ordinal);
        Assert.Null(await host.ZfsGetAsync(copy, "used"));
        Assert.Equal([$"{source}@s"], await host.ZfsSnapshotsAsync(source));
    }

    [Fact]
    public async Task The_pipeline_fails_when_only_its_first_half_fails_in_the_hosts_login_shell()
    {
        var result = await host.OpenSsh(_log).RunPipelineAsync(["sh", "-c", "echo data; exit 3"], ["cat"], default);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("data\n", result.Stdout);
        Assert.Equal(["sh", "-c", "echo data; exit 3", "|", "cat"], Assert.Single(_log.Records).Argv);
    }

    [Fact]
    public async Task A_clone_has_its_origin_and_pins_the_snapshot_until_it_is_destroyed()
    {
        var source = await NewDatasetAsync();
        await StorageHostFixture.WriteFileAsync(source, "hello.txt", Encoding.UTF8.GetBytes("cloned\n"));
        await Host.CreateSnapshotAsync($"{source}@s", default);
        var clone = host.NewDatasetName();

        await Host.CloneSnapshotAsync($"{source}@s", clone, new Dictionary<string, string> { ["refquota"] = "1G" }, default);

        var local = await host.ZfsGetAsync(clone, "origin", "refquota");
        Assert.Equal(($"{source}@s", "1073741824"), (local!["origin"], local["refquota"]));
        Assert.Equal("cloned\n", await File.ReadAllTextAsync($"/{clone}/hello.txt"));

        var error = await Assert.ThrowsAsync<StorageHostException>(() => Host.DestroySnapshotAsync($"{source}@s", default));
        Assert.Contains("cloned from it", error.Message, StringComparison.Ordinal);
        Assert.Contains(clone, error.Message, StringComparison.Ordinal);

        Assert.True(await Host.DestroyDatasetAsync(clone, default));
        Assert.True(await Host.DestroySnapshotAsync($"{source}@s", default));
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
