using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>
/// setuid=off and devices=off on every dataset the portal makes, read back from the real host with local zfs: a create, a clone and
/// a copy of a snapshot (even of a dataset that had them on). Through the host's guard, a create without them and a zfs set that
/// turns them on are refused and change nothing (the guard of scripts/storage-host/zfsportal-guard from this commit on).
/// </summary>
[Collection("storage-host")]
public sealed class HardenedDatasetsTests(StorageHostFixture host)
{
    private static readonly Dictionary<string, string> OneGiB = new() { ["refquota"] = "1G" };
    private readonly RecordingCommandLog _log = new();

    [Fact]
    public async Task A_created_cloned_or_copied_dataset_has_setuid_and_devices_off_on_the_host()
    {
        var created = host.NewDatasetName();
        await host.Open(_log).CreateDatasetAsync(created, new Dictionary<string, string>(), default);
        await host.Open(_log).CreateSnapshotAsync($"{created}@s", default);
        var clone = host.NewDatasetName();
        await host.Open(_log).CloneSnapshotAsync($"{created}@s", clone, OneGiB, default);
        var copy = host.NewDatasetName();
        await host.Open(_log).CopyFromSnapshotAsync($"{created}@s", copy, OneGiB, default);

        foreach (var dataset in new[] { created, clone, copy })
        {
            var local = await host.ZfsGetAsync(dataset, "setuid", "devices");
            Assert.Equal(("off", "off"), (local!["setuid"], local["devices"]));
        }
    }

    [Fact]
    public async Task The_guards_copy_turns_them_off_itself_even_when_the_source_had_them_on()
    {
        // Made as root, as a person on the host might: the portal never makes one like it.
        var source = host.NewDatasetName();
        Assert.Equal(0, (await StorageHostFixture.RunLocalAsync(host.Backend.ZfsPath, "create", "-o", "setuid=on", "-o", "devices=on", source)).ExitCode);
        Assert.Equal(0, (await StorageHostFixture.RunLocalAsync(host.Backend.ZfsPath, "snapshot", $"{source}@s")).ExitCode);
        var copy = host.NewDatasetName();
        var guarded = new ZfsCommands(host.Backend).GuardedCopy($"{source}@s", copy);
        Assert.NotNull(guarded);

        // The guard's pipeline alone, without the zfs set the portal sends after it.
        var result = await host.OpenSsh(_log).RunAsync(guarded, readOnly: false, default);

        Assert.Equal(0, result.ExitCode);
        var local = await host.ZfsGetAsync(copy, "setuid", "devices");
        Assert.Equal(("off", "off"), (local!["setuid"], local["devices"]));
    }

    [Fact]
    public async Task The_guard_refuses_a_create_without_them_and_nothing_is_made()
    {
        var dataset = host.NewDatasetName();

        var result = await GuardAsync(host.Backend.ZfsPath, "create", "-o", "refquota=1G", "-o", "setuid=off", dataset);

        Assert.Equal(126, result.ExitCode);
        Assert.Contains("zfsportal-guard: refused: zfs create without -o devices=off", result.Stderr, StringComparison.Ordinal);
        Assert.Null(await host.ZfsGetAsync(dataset, "name"));
    }

    [Theory]
    [InlineData("setuid")]
    [InlineData("devices")]
    public async Task The_guard_refuses_turning_one_on_and_it_stays_off(string property)
    {
        var dataset = host.NewDatasetName();
        await host.Open(_log).CreateDatasetAsync(dataset, OneGiB, default);

        var result = await GuardAsync(host.Backend.ZfsPath, "set", $"{property}=on", dataset);

        Assert.Equal(126, result.ExitCode);
        Assert.Contains($"zfsportal-guard: refused: the portal keeps {property}=off on every dataset it owns", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("off", (await host.ZfsGetAsync(dataset, property))![property]);
    }

    private Task<HostCommandResult> GuardAsync(string tool, params string[] args)
    {
        var b = host.Backend;
        Assert.False(string.IsNullOrEmpty(b.GuardPath), "The storage host has no guard; run scripts/storage-host.sh up.");
        return host.OpenSsh(_log).RunAsync([b.SudoPath, "-n", b.GuardPath, tool, .. args], readOnly: false, default);
    }
}
