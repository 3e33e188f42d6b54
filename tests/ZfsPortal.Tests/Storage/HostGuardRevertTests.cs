using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>
/// What the guard admits for revert (zfs rollback DATASET@SNAP, zfs get written@SNAP DATASET) and nothing wider: another pool,
/// a foreign prefix and the options that would destroy newer snapshots or clones are refused, and the host is read back.
/// Runs against the script's host, which `up` guards.
/// </summary>
[Collection("storage-host")]
public sealed class HostGuardRevertTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly RecordingCommandLog _log = new();
    private string _dataset = "";

    public async Task InitializeAsync()
    {
        Assert.False(string.IsNullOrEmpty(host.Backend.GuardPath), "The storage host has no guard: run `bash scripts/storage-host.sh up`.");
        _dataset = host.NewDatasetName();
        var ssh = host.OpenSsh(_log);
        await ssh.CreateDatasetAsync(_dataset, new Dictionary<string, string>(), default);
        await ssh.CreateSnapshotAsync($"{_dataset}@one", default);
        await ssh.CreateSnapshotAsync($"{_dataset}@two", default);
    }

    public Task DisposeAsync() => host.DestroyDatasetAsync(_dataset);

    [Theory]
    [InlineData("-r")]
    [InlineData("-R")]
    [InlineData("-f")]
    public async Task A_rollback_with_options_is_refused_and_the_newer_snapshot_stays(string option)
    {
        var result = await GuardedAsync(host.Backend.ZfsPath, "rollback", option, $"{_dataset}@one");

        AssertRefused(result, $"zfs rollback {option} {_dataset}@one is not a command the portal sends (only zfs rollback DATASET@SNAPSHOT)");
        Assert.Contains($"{_dataset}@two", await host.ZfsSnapshotsAsync(_dataset));
    }

    [Fact]
    public async Task A_rollback_of_another_pools_dataset_or_a_foreign_prefix_is_refused()
    {
        // A pool the guard does not list (whichever host the tests run on).
        var other = $"{host.Pool}_other/{StorageHostFixture.TestDatasetPrefix}{Guid.NewGuid():N}@snap";
        var foreign = $"{host.Pool}/foreign_{Guid.NewGuid():N}@snap";

        AssertRefused(await GuardedAsync(host.Backend.ZfsPath, "rollback", other),
            $"'{other[..other.IndexOf('@')]}' is not in this backend's pools ({host.Pool})");
        Assert.Contains("is not a portal dataset", (await GuardedAsync(host.Backend.ZfsPath, "rollback", foreign)).Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Written_is_read_of_one_portal_dataset_only()
    {
        var get = new[] { "get", "-H", "-p", "-o", "name,property,value" };

        AssertRefused(await GuardedAsync(host.Backend.ZfsPath, [.. get, "written@one", "-r", _dataset]),
            "zfs get written@SNAPSHOT names one snapshot and one dataset, and nothing else");
        AssertRefused(await GuardedAsync(host.Backend.ZfsPath, [.. get, "written@one,used", _dataset]),
            "zfs get written@SNAPSHOT names one snapshot and one dataset, and nothing else");
        var other = $"{host.Pool}_other/{StorageHostFixture.TestDatasetPrefix}x";
        AssertRefused(await GuardedAsync(host.Backend.ZfsPath, [.. get, "written@one", other]), $"'{other}' is not in this backend's pools ({host.Pool})");
    }

    [Fact]
    public async Task The_portals_rollback_is_admitted_and_refused_by_zfs_itself_while_a_newer_snapshot_exists()
    {
        var error = await Assert.ThrowsAsync<StorageHostException>(() => host.OpenSsh(_log).RollbackAsync($"{_dataset}@one", default));

        Assert.Equal(StorageFailure.CommandFailed, error.Failure);
        Assert.Contains($"is not the latest: {_dataset}@two was taken after it", error.Message, StringComparison.Ordinal);
        await host.OpenSsh(_log).RollbackAsync($"{_dataset}@two", default);
        Assert.NotNull(await host.OpenSsh(_log).GetWrittenSinceAsync($"{_dataset}@two", default));
    }

    private Task<HostCommandResult> GuardedAsync(string tool, params string[] args)
    {
        var b = host.Backend;
        return host.OpenSsh(_log).RunAsync([b.SudoPath, "-n", b.GuardPath, tool, .. args], readOnly: true, default);
    }

    private static void AssertRefused(HostCommandResult result, string why)
    {
        Assert.Equal(126, result.ExitCode);
        Assert.Equal($"zfsportal-guard: refused: {why}", result.Stderr.Trim());
    }
}
