using ZfsPortal.Storage;

namespace ZfsPortal.Tests.Storage;

public sealed class NfsHelperPlanTests
{
    private const string Path = "/tank/s";
    private static readonly ZfsCommands Commands = new(new BackendOptions());
    private static readonly NfsClientRule Host = new(AccessTarget.Parse("203.0.113.154"), NfsAccessLevel.ReadWrite, false);
    private static readonly NfsClientRule Net = new(AccessTarget.Parse("198.51.100.0/24"), NfsAccessLevel.ReadOnly, true);

    private static ExportfsEntry Entry(NfsClientRule rule, string path = Path) =>
        new(path, rule.Target.Canonical, ["sync", "wdelay", "no_subtree_check", "sec=sys", rule.Level == NfsAccessLevel.ReadWrite ? "rw" : "ro",
            rule.RootSquash ? "root_squash" : "no_root_squash", "no_all_squash"]);

    private static string[] Words(IEnumerable<IReadOnlyList<string>> argvs) => [.. argvs.Select(a => string.Join(' ', a.Skip(2)))];

    [Fact]
    public void Exportfs_plan_exports_every_missing_client_in_order()
    {
        var plan = ExportfsHelper.Plan(Commands, [], new NfsExport("tank/s", Path, [Host, Net]));

        Assert.Equal(
            ["/usr/sbin/exportfs -o ro,sync,no_subtree_check,root_squash 198.51.100.0/24:/tank/s",
             "/usr/sbin/exportfs -o rw,sync,no_subtree_check,no_root_squash 203.0.113.154:/tank/s"],
            Words(plan.Select(s => s.Argv)));
    }

    [Fact]
    public void Exportfs_plan_is_empty_when_the_table_already_matches()
    {
        var entries = new[] { Entry(Host), Entry(Net), Entry(Host, "/tank/other") with { Client = "192.0.2.1" } };
        Assert.Empty(ExportfsHelper.Plan(Commands, entries, new NfsExport("tank/s", Path, [Net, Host])));
    }

    [Fact]
    public void Exportfs_plan_removes_first_then_re_exports_changed_options()
    {
        var entries = new[]
        {
            Entry(Host with { Level = NfsAccessLevel.ReadOnly }),
            new ExportfsEntry(Path, "<world>", ["rw"]),
            new ExportfsEntry(Path, "2001:db8::1", ["rw"]),
            new ExportfsEntry("/tank/other", "192.0.2.1", ["rw"]),
        };

        var plan = ExportfsHelper.Plan(Commands, entries, new NfsExport("tank/s", Path, [Host]));

        Assert.Equal(
            ["/usr/sbin/exportfs -u *:/tank/s", "/usr/sbin/exportfs -u [2001:db8::1]:/tank/s",
             "/usr/sbin/exportfs -o rw,sync,no_subtree_check,no_root_squash 203.0.113.154:/tank/s"],
            Words(plan.Select(s => s.Argv)));
        Assert.Null(plan[0].Rule);
        Assert.Equal(Host, plan[2].Rule);
    }

    [Fact]
    public void Exportfs_plan_for_no_clients_removes_every_entry_of_the_path()
    {
        var plan = ExportfsHelper.Plan(Commands, [Entry(Host), Entry(Net), Entry(Net, "/tank/other")], new NfsExport("tank/s", Path, []));
        Assert.Equal(["/usr/sbin/exportfs -u 203.0.113.154:/tank/s", "/usr/sbin/exportfs -u 198.51.100.0/24:/tank/s"], Words(plan.Select(s => s.Argv)));
    }

    [Fact]
    public void Exportfs_plan_replaces_a_non_canonical_spelling()
    {
        var plan = ExportfsHelper.Plan(Commands, [Entry(Host) with { Client = "203.0.113.154/32" }], new NfsExport("tank/s", Path, [Host]));
        Assert.Equal(
            ["/usr/sbin/exportfs -u 203.0.113.154/32:/tank/s", "/usr/sbin/exportfs -o rw,sync,no_subtree_check,no_root_squash 203.0.113.154:/tank/s"],
            Words(plan.Select(s => s.Argv)));
    }

    [Fact]
    public void Sharenfs_plan_is_empty_when_value_and_table_match()
    {
        var value = SharenfsValue.For([Host, Net], ZfsDialect.ZfsFuse);
        Assert.Empty(SharenfsHelper.Plan(Commands, value, [Entry(Host), Entry(Net)], new NfsExport("tank/s", Path, [Host, Net]), value));
        Assert.Empty(SharenfsHelper.Plan(Commands, "off", [], new NfsExport("tank/s", Path, []), "off"));
    }

    [Fact]
    public void Sharenfs_plan_sets_a_new_value_after_removing_clients_zfs_fuse_would_keep()
    {
        var old = SharenfsValue.For([Host, Net], ZfsDialect.ZfsFuse);
        var value = SharenfsValue.For([Net], ZfsDialect.ZfsFuse);

        var plan = SharenfsHelper.Plan(Commands, old, [Entry(Host), Entry(Net)], new NfsExport("tank/s", Path, [Net]), value);

        Assert.Equal(
            ["/usr/sbin/exportfs -u 203.0.113.154:/tank/s", "/usr/sbin/zfs set sharenfs=198.51.100.0/24:ro,sync,no_subtree_check,root_squash tank/s"],
            Words(plan.Select(s => s.Argv)));
        Assert.Null(plan[0].Value);
        Assert.Equal(value, plan[1].Value);
    }

    [Fact]
    public void Sharenfs_plan_re_shares_through_off_when_the_value_is_right_but_the_table_is_not()
    {
        var value = SharenfsValue.For([Host], ZfsDialect.ZfsFuse);
        var plan = SharenfsHelper.Plan(Commands, value, [], new NfsExport("tank/s", Path, [Host]), value);
        Assert.Equal(["off", value], plan.Select(s => s.Value));
    }

    [Fact]
    public void Sharenfs_plan_for_no_clients_turns_sharing_off_and_removes_hand_made_entries()
    {
        var plan = SharenfsHelper.Plan(Commands, "203.0.113.154:rw", [Entry(Host), new ExportfsEntry(Path, "2001:db8::1", ["rw"])],
            new NfsExport("tank/s", Path, []), "off");
        Assert.Equal(
            ["/usr/sbin/exportfs -u 203.0.113.154:/tank/s", "/usr/sbin/exportfs -u [2001:db8::1]:/tank/s", "/usr/sbin/zfs set sharenfs=off tank/s"],
            Words(plan.Select(s => s.Argv)));
    }

    [Fact]
    public void Sharenfs_plan_leaves_an_off_property_alone_when_only_entries_must_go()
    {
        var plan = SharenfsHelper.Plan(Commands, "off", [Entry(Host)], new NfsExport("tank/s", Path, []), "off");
        Assert.Equal(["/usr/sbin/exportfs -u 203.0.113.154:/tank/s"], Words(plan.Select(s => s.Argv)));
    }
}
