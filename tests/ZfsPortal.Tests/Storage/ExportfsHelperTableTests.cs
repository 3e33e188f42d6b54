using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

/// <summary>
/// The assertions <see cref="GaneshaHelperClientTests"/> prove with real NFS clients, for the exportfs helper as far as
/// this machine allows: its kernel has no NFS server, so the export table is what is checked (documentation addresses,
/// no traffic). rw and ro, squashing, a network, deny and a share copied from a snapshot.
/// </summary>
[Collection("storage-host")]
public sealed class ExportfsHelperTableTests(StorageHostFixture host) : IAsyncLifetime
{
    private readonly RecordingCommandLog _log = new();
    private readonly List<string> _datasets = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await host.UnexportTestPathsAsync();
        foreach (var dataset in Enumerable.Reverse(_datasets))
        {
            await host.DestroyDatasetAsync(dataset);
        }
    }

    private static NfsClientRule Rule(string target, NfsAccessLevel level, bool rootSquash = true) => new(AccessTarget.Parse(target), level, rootSquash);

    private async Task<string> NewDatasetAsync(IStorageHost nfs)
    {
        var dataset = host.NewDatasetName();
        _datasets.Add(dataset);
        await nfs.CreateDatasetAsync(dataset, new Dictionary<string, string> { ["refquota"] = "1G" }, default);
        return dataset;
    }

    private async Task<string> OptionsOfAsync(string path, string client) =>
        Assert.Single(await host.ExportsOfAsync(path), e => e.Client == client).Options;

    [Fact]
    public async Task Exportfs_helper_table_holds_rw_ro_squash_a_network_and_deny_as_the_ganesha_clients_prove_them()
    {
        var nfs = host.Open(_log);
        var dataset = await NewDatasetAsync(nfs);
        var path = "/" + dataset;

        // rw and ro clients, an outsider absent.
        await nfs.ApplyExportsAsync(new NfsExport(dataset, path, [Rule("203.0.113.11", NfsAccessLevel.ReadWrite), Rule("203.0.113.12", NfsAccessLevel.ReadOnly)]), default);
        Assert.Contains("rw", (await OptionsOfAsync(path, "203.0.113.11")).Split(','));
        Assert.Contains("ro", (await OptionsOfAsync(path, "203.0.113.12")).Split(','));
        Assert.DoesNotContain(await host.ExportsOfAsync(path), e => e.Client == "203.0.113.13");

        // root_squash, then no_root_squash for the same client.
        await nfs.ApplyExportsAsync(new NfsExport(dataset, path, [Rule("203.0.113.11", NfsAccessLevel.ReadWrite, rootSquash: true)]), default);
        Assert.Contains("root_squash", (await OptionsOfAsync(path, "203.0.113.11")).Split(','));
        await nfs.ApplyExportsAsync(new NfsExport(dataset, path, [Rule("203.0.113.11", NfsAccessLevel.ReadWrite, rootSquash: false)]), default);
        Assert.Contains("no_root_squash", (await OptionsOfAsync(path, "203.0.113.11")).Split(','));

        // A network; deny leaves nothing in the table by the time the apply returns.
        await nfs.ApplyExportsAsync(new NfsExport(dataset, path, [Rule("198.51.100.64/26", NfsAccessLevel.ReadOnly)]), default);
        Assert.Equal(["198.51.100.64/26"], (await host.ExportsOfAsync(path)).Select(e => e.Client));
        await nfs.ApplyExportsAsync(new NfsExport(dataset, path, []), default);
        Assert.Empty(await host.ExportsOfAsync(path));

        // A share copied from a snapshot gets its own entry; extend and shrink show in refquota (what df would report).
        await nfs.CreateSnapshotAsync(dataset + "@zfsportal_snap_table", default);
        var copy = host.NewDatasetName();
        _datasets.Add(copy);
        await nfs.CopyFromSnapshotAsync(dataset + "@zfsportal_snap_table", copy, new Dictionary<string, string> { ["refquota"] = "1G" }, default);
        await nfs.ApplyExportsAsync(new NfsExport(copy, "/" + copy, [Rule("203.0.113.41", NfsAccessLevel.ReadWrite)]), default);
        Assert.Contains("rw", (await OptionsOfAsync("/" + copy, "203.0.113.41")).Split(','));
        await nfs.SetPropertiesAsync(copy, new Dictionary<string, string> { ["refquota"] = "2G" }, default);
        Assert.Equal((2L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture), (await host.ZfsGetAsync(copy, "refquota"))!["refquota"]);
    }
}
