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

    private static ShareRecord Share(string dataset, ShareStatus status = ShareStatus.Available, bool busy = false) =>
        new(Guid.NewGuid(), Guid.NewGuid(), dataset, status, dataset, "/" + dataset, 1, new Dictionary<string, string>(), [Rule], [], busy);

    private static ExportfsEntry Entry(string path) => new(path, "203.0.113.5", ["rw", "sync", "no_subtree_check", "root_squash"]);

    private static Dictionary<string, IReadOnlyDictionary<string, string>> Tree(params (string Name, string Mountpoint)[] rows) =>
        rows.ToDictionary(r => r.Name, r => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>
        {
            ["mountpoint"] = r.Mountpoint, ["refquota"] = (1L << 30).ToString(System.Globalization.CultureInfo.InvariantCulture), ["used"] = "24576",
        });
}
