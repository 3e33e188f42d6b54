using ZfsPortal.Data;
using ZfsPortal.Features.Drift;
using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Features.Drift;

/// <summary>The comparison alone, without a host: what counts as the backend's, and what is left alone.</summary>
public sealed class DriftScanTests
{
    private static readonly BackendOptions Backend = new()
    {
        Name = "b", Pools = ["tank", "gone"], DatasetPrefix = "p_", GuardPath = "/g", ExportsFile = "/etc/exports.d/b.exports",
    };

    private static readonly NfsClientRule Rule = new(AccessTarget.TryParse("203.0.113.5", out _)!, NfsAccessLevel.ReadWrite, true);

    [Fact]
    public void Only_datasets_one_level_below_the_backends_pools_and_prefix_are_judged_and_busy_shares_are_skipped()
    {
        var busy = Share("tank/p_busy", busy: true);
        var fine = Share("tank/p_fine");
        var tree = Tree(("tank", "-"), ("tank/p_fine", "/tank/p_fine"), ("tank/p_busy", "/tank/p_busy"), ("tank/p_stray", "/tank/p_stray"),
            ("tank/other_x", "/tank/other_x"), ("tank/p_fine/child", "/tank/p_fine/child"), ("tank/p_fine@snap", "-"));
        var table = new List<ExportfsEntry> { Entry("/tank/p_fine") };
        var file = new List<ExportfsEntry> { Entry("/tank/p_fine") };

        var scan = DriftScan.Compare(Backend, [busy, fine],
            new HostState(new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> { ["tank"] = tree, ["gone"] = null }, table, file));

        Assert.Equal([DriftKind.UnownedDataset, DriftKind.PoolMissing], scan.Findings.Select(f => f.Kind).Order());
        Assert.Equal("tank/p_stray", scan.Findings.Single(f => f.Kind == DriftKind.UnownedDataset).Dataset);
        Assert.Empty(scan.Repairs);
        Assert.Equal(1, scan.Skipped);
    }

    [Fact]
    public void A_lost_export_plans_the_exportfs_command_and_the_file_line_and_an_error_share_with_its_dataset_is_named()
    {
        var lost = Share("tank/p_lost");
        var failed = Share("tank/p_failed", ShareStatus.Error);
        var tree = Tree(("tank/p_lost", "/tank/p_lost"), ("tank/p_failed", "/tank/p_failed"));

        var scan = DriftScan.Compare(Backend, [lost, failed],
            new HostState(new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> { ["tank"] = tree, ["gone"] = tree }, [], []));

        Assert.Equal([lost.Id], scan.Repairs);
        Assert.Contains(scan.Findings, f => f.Kind == DriftKind.ExportsDiffer && f.ShareId == lost.Id);
        Assert.Contains(scan.Findings, f => f.Kind == DriftKind.ErrorShareHasDataset && f.ShareId == failed.Id);
        Assert.Equal(["/usr/sbin/exportfs -o rw,sync,no_subtree_check,root_squash 203.0.113.5:/tank/p_lost",
                      "/etc/exports.d/b.exports set /tank/p_lost '203.0.113.5(rw,sync,no_subtree_check,root_squash)'"], scan.Commands);
    }

    [Fact]
    public void A_share_left_unmounted_by_a_zfs_restart_is_mounted_again_after_its_pool_root_and_exported_anew()
    {
        var share = Share("tank/p_x");
        var tree = Tree(("tank", "/tank"), ("tank/p_x", "/tank/p_x"));
        tree["tank"] = With(tree["tank"], ("mounted", "no"), ("canmount", "on"));
        tree["tank/p_x"] = With(tree["tank/p_x"], ("mounted", "no"), ("canmount", "on"));
        // The kernel's table and the file still hold the rule: a restart of zfs-fuse leaves them as they were.
        var kept = new List<ExportfsEntry> { Entry("/tank/p_x") };

        var scan = DriftScan.Compare(Backend, [share], State(tree, kept));

        Assert.Equal([DriftKind.NotMounted, DriftKind.PoolRootNotMounted], scan.Findings.Select(f => f.Kind).Order());
        Assert.Equal([share.Id], scan.Repairs);
        Assert.Equal(["/usr/sbin/zfs mount tank", "/usr/sbin/zfs mount tank/p_x",
                      "/usr/sbin/exportfs -o rw,sync,no_subtree_check,root_squash 203.0.113.5:/tank/p_x",
                      "/etc/exports.d/b.exports set /tank/p_x '203.0.113.5(rw,sync,no_subtree_check,root_squash)'"], scan.Commands);
    }

    [Fact]
    public void A_dataset_not_meant_to_be_mounted_and_a_mounted_one_need_no_mount()
    {
        var off = Share("tank/p_off");
        var fine = Share("tank/p_fine");
        var tree = Tree(("tank/p_off", "/tank/p_off"), ("tank/p_fine", "/tank/p_fine"));
        tree["tank/p_off"] = With(tree["tank/p_off"], ("mounted", "no"), ("canmount", "off"));
        tree["tank/p_fine"] = With(tree["tank/p_fine"], ("mounted", "yes"), ("canmount", "on"));

        var scan = DriftScan.Compare(Backend, [off, fine], State(tree, [Entry("/tank/p_off"), Entry("/tank/p_fine")]));

        Assert.Empty(scan.Findings);
        Assert.Empty(scan.Repairs);
    }

    [Theory]
    [InlineData("setuid")]
    [InlineData("devices")]
    public void Setuid_or_devices_turned_on_behind_the_portal_is_put_back_off(string property)
    {
        var share = Share("tank/p_x");
        var tree = Tree(("tank/p_x", "/tank/p_x"));
        tree["tank/p_x"] = With(tree["tank/p_x"], ("setuid", "off"), ("devices", "off"), (property, "on"));

        var scan = DriftScan.Compare(Backend, [share], State(tree, [Entry("/tank/p_x")]));

        var finding = Assert.Single(scan.Findings);
        Assert.Equal(DriftKind.PropertyDiffers, finding.Kind);
        Assert.Contains($"{property}=on, but the portal keeps {property}=off on every share", finding.Message, StringComparison.Ordinal);
        Assert.Equal([share.Id], scan.Repairs);
        Assert.Equal([$"/usr/sbin/zfs set {property}=off tank/p_x"], scan.Commands);
    }

    private static HostState State(Dictionary<string, IReadOnlyDictionary<string, string>> tree, List<ExportfsEntry> exports) =>
        new(new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>?> { ["tank"] = tree, ["gone"] = tree }, exports, exports);

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> props, params (string Key, string Value)[] more)
    {
        var all = new Dictionary<string, string>(props);
        foreach (var (key, value) in more)
            all[key] = value;
        return all;
    }

    private static ShareRecord Share(string dataset, ShareStatus status = ShareStatus.Available, bool busy = false) =>
        new(Guid.NewGuid(), Guid.NewGuid(), dataset, status, dataset, "/" + dataset, 1, new Dictionary<string, string>(), [Rule], [], busy);

    private static ExportfsEntry Entry(string path) => new(path, "203.0.113.5", ["rw", "sync", "no_subtree_check", "root_squash"]);

    private static Dictionary<string, IReadOnlyDictionary<string, string>> Tree(params (string Name, string Mountpoint)[] rows) =>
        rows.ToDictionary(r => r.Name, r => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>
        {
            ["mountpoint"] = r.Mountpoint, ["refquota"] = (1L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture), ["used"] = "24576",
        });
}
