using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>
/// The host-side guard on a real host of its own: what the portal's key must not do as root is refused, said in one line
/// the portal shows, and the host is read back (as root, with the local tools) to prove nothing ran. The destructive ones
/// aim at the guarded host's own pool, never the main host's.
/// </summary>
[Collection("guarded-storage-host")]
public sealed class HostGuardRefusalTests(GuardedStorageHostFixture host) : IAsyncLifetime
{
    private const string Pool = GuardedStorageHostFixture.PoolName;
    private readonly RecordingCommandLog _log = new();
    private string _dataset = "";

    public async Task InitializeAsync()
    {
        _dataset = host.NewDatasetName();
        await host.Open(_log).CreateDatasetAsync(_dataset, new Dictionary<string, string>(), default);
    }

    public Task DisposeAsync() => Task.CompletedTask; // `down` destroys the pool and everything in it

    [Fact]
    public async Task A_dataset_of_another_pool_is_refused_through_the_portal_with_the_guards_reason()
    {
        // The main host's pool: a real pool on this machine that the guarded host's config does not list.
        var other = $"{StorageHostFixture.MainPool()}/{host.Backend.DatasetPrefix}{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<StorageHostException>(
            () => host.Open(_log).CreateDatasetAsync(other, new Dictionary<string, string>(), default));

        Assert.Equal(StorageFailure.RefusedByGuard, error.Failure);
        Assert.Contains($"failed (exit 126): zfsportal-guard: refused: '{other}' is not in this backend's pools ({Pool})", error.Message, StringComparison.Ordinal);
        Assert.Contains("The host's guard", error.Message, StringComparison.Ordinal);
        Assert.Null(await GuardedStorageHostFixture.ZfsGetAsync(other, "name"));
    }

    [Fact]
    public async Task A_dataset_outside_the_prefixes_is_refused()
    {
        var foreign = $"{Pool}/foreign_{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<StorageHostException>(
            () => host.Open(_log).CreateDatasetAsync(foreign, new Dictionary<string, string>(), default));

        Assert.Equal(StorageFailure.RefusedByGuard, error.Failure);
        Assert.Contains($"'{foreign}' is not a portal dataset (one level below the pool, named zfsportal_share_…", error.Message, StringComparison.Ordinal);
        Assert.Null(await GuardedStorageHostFixture.ZfsGetAsync(foreign, "name"));
    }

    [Fact]
    public async Task A_dataset_inside_a_share_is_refused_since_a_client_could_have_made_its_mount_point_a_symlink()
    {
        var child = $"{_dataset}/child";

        var error = await Assert.ThrowsAsync<StorageHostException>(
            () => host.Open(_log).CreateDatasetAsync(child, new Dictionary<string, string>(), default));

        Assert.Equal(StorageFailure.RefusedByGuard, error.Failure);
        Assert.Contains($"'{child}' is not a portal dataset", error.Message, StringComparison.Ordinal);
        Assert.Null(await GuardedStorageHostFixture.ZfsGetAsync(child, "name"));
    }

    [Fact]
    public async Task Setting_mountpoint_is_refused_and_the_dataset_stays_where_it_was()
    {
        var error = await Assert.ThrowsAsync<StorageHostException>(
            () => host.Open(_log).SetPropertiesAsync(_dataset, new Dictionary<string, string> { ["mountpoint"] = "/etc" }, default));

        Assert.Equal(StorageFailure.RefusedByGuard, error.Failure);
        Assert.Contains("zfsportal-guard: refused: the portal never sets mountpoint", error.Message, StringComparison.Ordinal);
        Assert.Equal("/" + _dataset, (await GuardedStorageHostFixture.ZfsGetAsync(_dataset, "mountpoint"))!["mountpoint"]);
    }

    [Fact]
    public async Task Destroying_the_pool_recursively_is_refused()
    {
        var result = await RunAsync(host.Backend.ZfsPath, "destroy", "-r", Pool);

        AssertRefused(result, "zfs destroy -r is not a command the portal sends");
        Assert.NotNull(await GuardedStorageHostFixture.ZfsGetAsync(_dataset, "name"));
    }

    [Fact]
    public async Task Zpool_destroy_is_refused_and_the_pool_stays_online()
    {
        var result = await RunAsync(host.Backend.ZpoolPath, "destroy", "-f", Pool);

        AssertRefused(result, "zpool destroy -f is not a command the portal sends (only zpool list -H -o name)");
        var health = await StorageHostFixture.RunLocalAsync("/usr/sbin/zpool", "list", "-H", "-o", "health", Pool);
        Assert.Equal("ONLINE", health.Stdout.Trim());
    }

    [Fact]
    public async Task An_export_path_outside_the_datasets_mount_points_is_refused_through_the_portal()
    {
        var export = new NfsExport(_dataset, "/etc", [new NfsClientRule(AccessTarget.Parse("192.0.2.10"), NfsAccessLevel.ReadWrite, true)]);

        var error = await Assert.ThrowsAsync<StorageHostException>(() => host.Open(_log).ApplyExportsAsync(export, default));

        Assert.Equal(StorageFailure.RefusedByGuard, error.Failure);
        Assert.Contains("'/etc' is not the mount point of a portal dataset (below /zfsportalg)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/etc", await GuardedStorageHostFixture.ExportfsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_option_the_portal_never_writes_is_refused()
    {
        var result = await RunAsync(host.Backend.ExportfsPath, "-o", "rw,insecure,sync,no_subtree_check,no_root_squash", $"192.0.2.11:/{_dataset}");

        AssertRefused(result, "exportfs option insecure is not one the portal writes (no_root_squash, no_subtree_check, ro, root_squash, rw, sync)");
        Assert.DoesNotContain("192.0.2.11", await GuardedStorageHostFixture.ExportfsAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receive_of_a_stream_the_caller_writes_is_refused_since_it_could_set_mountpoint()
    {
        var target = host.NewDatasetName();

        var result = await RunAsync(host.Backend.ZfsPath, "receive", target);

        AssertRefused(result, "zfs receive " + target + " is not a command the portal sends");
        Assert.Null(await GuardedStorageHostFixture.ZfsGetAsync(target, "name"));
    }

    [Fact]
    public async Task A_program_other_than_the_three_tools_is_refused()
    {
        var result = await RunAsync("/bin/sh", "-c", "touch /tmp/zfsportal-guard-was-bypassed");

        AssertRefused(result, "/bin/sh is not a program this guard runs (/usr/sbin/zfs, /usr/sbin/zpool, /usr/sbin/exportfs)");
        Assert.False(File.Exists("/tmp/zfsportal-guard-was-bypassed"));
    }

    // sudo -n GUARD TOOL ARGS…, as the portal sends its commands, with a shape the portal never builds.
    private Task<HostCommandResult> RunAsync(string tool, params string[] args)
    {
        var b = host.Backend;
        return host.Open(_log).RunAsync([b.SudoPath, "-n", b.GuardPath, tool, .. args], readOnly: true, default);
    }

    private static void AssertRefused(HostCommandResult result, string why)
    {
        Assert.Equal(126, result.ExitCode);
        Assert.Equal($"zfsportal-guard: refused: {why}", result.Stderr.Trim());
        Assert.Equal("", result.Stdout);
    }
}
