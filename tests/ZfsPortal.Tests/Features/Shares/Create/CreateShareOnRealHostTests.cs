using System.Globalization;
using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Shares.Create;

/// <summary>The create-share job end to end over SSH against the real local host, read back with local zfs.</summary>
[Collection("storage-host")]
public sealed class CreateShareOnRealHostTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly List<TestWorld> _worlds = [];

    private TestWorld World(BackendOptions? backend = null)
    {
        var world = new TestWorld(new SshStorageHostFactory(host.Connections, TimeProvider.System), backend ?? host.Backend);
        _worlds.Add(world);
        return world;
    }

    private static async Task<Share> CreateAsync(TestWorld world, string size)
    {
        var (project, member) = world.AddProjectWithMember("alpha");
        var result = await world.RequestShareAsync(member, project, "zfsvol", size);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Values));
        await world.RunQueuedJobsAsync();
        return world.Share(result.Id!.Value);
    }

    [Fact]
    public async Task A_created_share_is_a_dataset_with_refquota_equal_to_its_size_and_the_creation_options()
    {
        var world = World();

        var share = await CreateAsync(world, "1");

        Assert.Equal(ShareStatus.Available, share.Status);
        var onHost = await host.ZfsGetAsync(share.Dataset!, "refquota", "compression", "mountpoint");
        Assert.NotNull(onHost);
        Assert.Equal((1L << 30).ToString(CultureInfo.InvariantCulture), onHost["refquota"]);
        Assert.Equal(host.Backend.DatasetCreationOptions["compression"], onHost["compression"]);
        Assert.Equal($"{host.Backend.ShareExportIp}:{onHost["mountpoint"]}", share.ExportLocation);
        Assert.StartsWith($"{host.Pool}/{host.Backend.DatasetPrefix}", share.Dataset, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_host_command_is_recorded_with_argv_exit_code_and_duration()
    {
        var world = World();

        var share = await CreateAsync(world, "1");

        var operation = world.OperationsOf(share.Id).Single();
        var commands = world.CommandsOf(operation.Id);
        var zfs = ShellQuote.Join(new ZfsCommands(host.Backend).Version().SkipLast(1).ToList()); // sudo -n [guard] /usr/sbin/zfs
        Assert.Contains(commands, c => c.CommandLine.StartsWith($"{zfs} create", StringComparison.Ordinal)
                                        && c.CommandLine.EndsWith(share.Dataset!, StringComparison.Ordinal) && c.ExitCode == 0);
        // Only what a create needs, in order: the pool's capacity (no health reading in this world), the create, the mount point.
        Assert.Collection(commands,
            c => Assert.Contains("get -H -p -o name,property,value available,used", c.CommandLine, StringComparison.Ordinal),
            c => Assert.Contains("zfs create", c.CommandLine, StringComparison.Ordinal),
            c => Assert.Contains("mountpoint", c.CommandLine, StringComparison.Ordinal));
        Assert.All(commands, c => Assert.True(c.DurationMs >= 0));
    }

    [Fact]
    public async Task A_wrong_host_key_pin_ends_in_error_and_touches_nothing_on_the_host()
    {
        var backend = host.Backend;
        backend.HostKeySha256 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        var world = World(backend);

        var share = await CreateAsync(world, "1");

        Assert.Equal(ShareStatus.Error, share.Status);
        Assert.Contains("host key", share.StatusMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Null(share.Dataset);
    }

    [Fact]
    public async Task A_share_larger_than_the_pool_ends_in_error_saying_how_much_space_there_is()
    {
        var world = World();

        var share = await CreateAsync(world, "100");

        Assert.Equal(ShareStatus.Error, share.Status);
        Assert.Contains("No storage pool can take a 100 GiB share", share.StatusMessage, StringComparison.Ordinal);
        Assert.Contains($"{host.Backend.Name}/{host.Pool} has", share.StatusMessage, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var world in _worlds)
        {
            await using (var db = world.Db.CreateDbContext())
                foreach (var dataset in db.Shares.Where(s => s.Dataset != null).Select(s => s.Dataset!).ToList())
                    await host.DestroyDatasetAsync(dataset);
            world.Dispose();
        }
    }
}
