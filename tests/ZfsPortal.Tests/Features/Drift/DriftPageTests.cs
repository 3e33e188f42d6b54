using Bunit;
using ZfsPortal.Data;
using ZfsPortal.Features.Drift;

namespace ZfsPortal.Tests.Features.Drift;

public sealed class DriftPageTests : PortalPageTestContext
{
    [Fact]
    public void The_admin_reads_the_last_pass_the_dry_runs_commands_and_each_finding_with_its_action()
    {
        var at = new DateTime(2026, 12, 2, 1, 0, 0, DateTimeKind.Utc);
        using (var db = World.Db.CreateDbContext())
        {
            db.ReconcileRuns.Add(new ReconcileRun { BackendName = World.Backend.Name, StartedAt = at, DurationMs = 420, Trigger = "portal start", Findings = 2, Repairs = 1 });
            db.ReconcileRuns.Add(new ReconcileRun
            {
                BackendName = World.Backend.Name, StartedAt = at.AddMinutes(1), DurationMs = 300, Trigger = "asked by admin", DryRun = true, Findings = 2,
                Commands = "/usr/sbin/zfs set refquota=5G tank/zfsportal_share_x",
            });
            db.DriftFindings.Add(new DriftFinding
            {
                BackendName = World.Backend.Name, Kind = DriftKind.UnownedDataset, Dataset = "tank/zfsportal_share_byhand",
                Message = "Dataset tank/zfsportal_share_byhand is below the backend's prefix but no share owns it.", FirstFoundAt = at, LastFoundAt = at,
            });
            db.SaveChanges();
        }

        var (page, _) = RenderPage<DriftPage>();

        page.WaitForAssertion(() => Assert.Contains("420 ms: 2 finding(s), 1 repair operation(s) queued", page.Find("[data-testid=drift-last-run]").TextContent, StringComparison.Ordinal));
        Assert.Equal("/usr/sbin/zfs set refquota=5G tank/zfsportal_share_x", page.Find("[data-testid=drift-dry-commands]").TextContent);
        var finding = page.Find("[data-testid=drift-findings] tbody tr");
        Assert.Contains("UnownedDataset", finding.TextContent, StringComparison.Ordinal);
        Assert.Contains("no share owns it", finding.TextContent, StringComparison.Ordinal);
        Assert.Contains(finding.QuerySelectorAll("button"), b => b.TextContent.Trim() == "Adopt");
    }

    [Fact]
    public void A_reconcile_that_cannot_compare_says_why_and_nothing_is_listed()
    {
        // The fake host answers no survey: the pass fails, and the page says so in words.
        var (page, _) = RenderPage<DriftPage>();
        page.WaitForAssertion(() => Assert.Contains("Not reconciled yet.", page.Markup, StringComparison.Ordinal));

        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=drift-reconcile]").HasAttribute("disabled")));
        page.Find("[data-testid=drift-reconcile]").Click();

        page.WaitForAssertion(() => Assert.Contains("could not be compared", page.Markup, StringComparison.Ordinal));
    }
}
