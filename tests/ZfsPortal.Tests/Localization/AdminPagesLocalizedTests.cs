using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ZfsPortal.Data;
using ZfsPortal.Features.Approvals;
using ZfsPortal.Features.Audit;
using ZfsPortal.Features.Backends;
using ZfsPortal.Features.Drift;
using ZfsPortal.Features.Operations;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.ShareTypes;
using ZfsPortal.Features.Usage;
using ZfsPortal.Storage;
using ZfsPortal.Tests.Support.Fakes;

namespace ZfsPortal.Tests.Localization;

/// <summary>
/// Issue 17 point 3 for the admin pages: each page, dialog and panel of Approvals, Audit, Backends, Drift, Operations,
/// Projects, ShareTypes and Usage, rendered in Japanese, shows no English and looks up no text that has no Japanese.
/// Service sentences (a finding's message, a preflight check's detail, an operation's message) come through
/// Sentences.ja.resx like the pages' own text; only what a fake or the host said is a data value.
/// </summary>
public sealed class AdminPagesLocalizedTests : JapanesePageTestContext
{
    private const long GiB = 1L << 30;

    /// <summary>Tool, property and field names that an admin types or reads as they are on the host.</summary>
    private static readonly string[] HostWords =
    [
        "zfs", "zpool", "exportfs -ra", "exportfs", "sudoers", "sudo -n", "sudo", "sharenfs", "refquota", "property=value", "compression=lz4",
        "create_share_from_snapshot_support", "snapshot_support", "ssh-ed25519", "SSH", "IP", "appsettings.json", "manila service-list",
        "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub", "/usr/local/sbin/zfsportal-guard", "/etc/exports.d/zfsportal.exports", "gigabytes", "stderr", "tty",
        .. DatasetPropertyRules.Names,
    ];

    private static readonly FakeBackendProbe Probe = new();

    // The base context's provider is built by the time this runs; the backend pages' services come as a fallback.
    public AdminPagesLocalizedTests() => Services.AddFallbackServiceProvider(new ServiceCollection()
        .AddSingleton(new BackendAdminService(World.Db, Probe, TimeProvider.System))
        .AddSingleton(new BackendHealthChecker(World.Db, Probe, TimeProvider.System, new UsageRecorder(World.Db, Probe, TimeProvider.System)))
        .BuildServiceProvider());

    private static Shown Seen(IRenderedComponent<MudDialogProvider> dialogs, string markup, params IEnumerable<string>[] values) =>
        new(markup + dialogs.Markup, [.. values.SelectMany(v => v), .. HostWords]);

    private static async Task<IRenderedComponent<MudDialogProvider>> ClickForDialogAsync<T>(IRenderedComponent<T> page,
        IRenderedComponent<MudDialogProvider> dialogs, string testId) where T : Microsoft.AspNetCore.Components.IComponent
    {
        await page.InvokeAsync(() => page.Find($"[data-testid={testId}]").Click());
        dialogs.WaitForElement(".mud-dialog");
        return dialogs;
    }

    private static async Task<Guid> RequestGoldShareAsync(JapanesePageTestContext c)
    {
        var gold = c.Seed.AddShareType("gold", t => t.Approval = ApprovalPolicy.Always);
        var (project, member) = c.Seed.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Gigabytes = 10 });
        var result = await c.Seed.RequestShareAsync(member, project, "big", "4", gold.Id);
        Assert.True(result.Succeeded, result.Error);
        return result.Id!.Value;
    }

    // What the backends page shows of the seeded backend: data, not text to translate.
    private static IEnumerable<string> BackendValues(JapanesePageTestContext c) =>
        [c.Seed.Backend.Name, c.Seed.Backend.Host, c.Seed.Backend.User, c.Seed.Backend.NfsHelper, .. c.Seed.Backend.Pools];

    private static readonly string[] RequestValues = ["alpha-user@example.test", "alpha", "big", "gold"];

    private static void History(JapanesePageTestContext c, UsageSubject subject, Guid id, int days, long perDay, long last, long size)
    {
        var now = DateTime.UtcNow;
        using var db = c.Seed.Db.CreateDbContext();
        for (var h = 0; h <= days * 24; h += 6)
            db.UsageSamples.Add(new UsageSample { Subject = subject, SubjectId = id, At = now.AddHours(-h), UsedBytes = last - perDay * h / 24, SizeBytes = size });
        db.SaveChanges();
    }

    private static IEnumerable<string> AuditValues(JapanesePageTestContext c)
    {
        using var db = c.Seed.Db.CreateDbContext();
        // The targets ("share type gold") and details ("4 GiB, type gold, awaiting approval") come through Sentences.ja.resx.
        return [.. db.Audit.AsEnumerable().Select(a => a.UserName)];
    }

    private static Task<Shown> PreflightAsync(JapanesePageTestContext c, PreflightStep? failed)
    {
        var report = FakeBackendProbe.Report(c.Seed.Backend, failed, "zfs-fuse answered nothing", "Start zfs-fuse on the host");
        return ShowDialogAsync<PreflightDialog>(c, new DialogParameters<PreflightDialog>
        {
            { d => d.BackendName, "east" },
            { d => d.Run, () => Task.FromResult<(PreflightReport?, string?)>((report, null)) },
        }, ["zfs-fuse answered nothing", "Start zfs-fuse on the host", "ok (fake)", "east"]);
    }

    private static async Task<Shown> ShowDialogAsync<TDialog>(JapanesePageTestContext c, DialogParameters<TDialog> parameters, IEnumerable<string> values)
        where TDialog : Microsoft.AspNetCore.Components.IComponent
    {
        c.RenderOne<MudPopoverProvider>();
        var dialogs = c.RenderOne<MudDialogProvider>();
        await dialogs.InvokeAsync(() => c.Services.GetRequiredService<IDialogService>().ShowAsync<TDialog>("", parameters));
        dialogs.WaitForElement(".mud-dialog-actions button");
        return Seen(dialogs, "", values);
    }

    private static readonly JapaneseCase[] Cases =
    [
        new("approvals page with nothing waiting", c =>
        {
            var (page, dialogs) = c.Open<ApprovalsPage>();
            page.WaitForElement("[data-testid=approvals-empty]");
            return Task.FromResult(Seen(dialogs, page.Markup));
        }),
        new("approvals page with a request, and its reject dialog", async c =>
        {
            await RequestGoldShareAsync(c);
            var (page, dialogs) = c.Open<ApprovalsPage>();
            page.WaitForElement("[data-testid=approval-row]");
            await ClickForDialogAsync(page, dialogs, "approval-reject");
            return Seen(dialogs, page.Markup, RequestValues);
        }),
        new("approving a request", async c =>
        {
            await RequestGoldShareAsync(c);
            var (page, dialogs) = c.Open<ApprovalsPage>();
            page.WaitForElement("[data-testid=approval-row]");
            await page.InvokeAsync(() => page.Find("[data-testid=approval-approve]").Click());
            page.WaitForElement("[data-testid=approvals-empty]");
            return Seen(dialogs, page.Markup, RequestValues);
        }),
        new("approvals menu entry with a request waiting", async c =>
        {
            await RequestGoldShareAsync(c);
            var link = c.RenderOne<ApprovalsNavLink>();
            link.WaitForElement("[data-testid=approvals-count]");
            return new Shown(link.Markup, HostWords);
        }),
        new("audit log with entries", async c =>
        {
            await RequestGoldShareAsync(c);
            await c.Seed.ProjectAdmin.CreateAsync(c.Seed.Admin, "beta", null);
            var (page, dialogs) = c.Open<AuditLogPage>();
            page.WaitForElement("[data-testid=audit-row]");
            return Seen(dialogs, page.Markup, AuditValues(c), RequestValues, ["beta"]);
        }),
        new("audit log with a search that matches nothing", async c =>
        {
            await c.Seed.ProjectAdmin.CreateAsync(c.Seed.Admin, "beta", null);
            var (page, dialogs) = c.Open<AuditLogPage>();
            page.WaitForElement("[data-testid=audit-row]");
            await page.InvokeAsync(() => page.Find("#audit-search").Input("nothing-like-this"));
            page.WaitForElement("[data-testid=audit-empty]", TimeSpan.FromSeconds(5));
            return Seen(dialogs, page.Markup, ["nothing-like-this"]);
        }),
        new("backends page, and its add dialog", async c =>
        {
            var (page, dialogs) = c.Open<BackendsPage>();
            page.WaitForElement("[data-testid=backend-row]");
            await ClickForDialogAsync(page, dialogs, "backend-add");
            return Seen(dialogs, page.Markup, [.. BackendValues(c)]);
        }),
        new("backends page, disabling a backend", async c =>
        {
            var (page, dialogs) = c.Open<BackendsPage>();
            page.WaitForElement("[data-testid=backend-row]");
            await ClickForDialogAsync(page, dialogs, "backend-toggle");
            return Seen(dialogs, page.Markup, [.. BackendValues(c)]);
        }),
        new("backends page, its add dialog with the ganesha helper chosen", async c =>
        {
            var (page, dialogs) = c.Open<BackendsPage>();
            page.WaitForElement("[data-testid=backend-row]");
            await ClickForDialogAsync(page, dialogs, "backend-add");
            var helper = dialogs.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "NFS ヘルパー");
            await helper.InvokeAsync(() => helper.Instance.ValueChanged.InvokeAsync("ganesha"));
            dialogs.WaitForElement("#backend-ganesha-path");
            return Seen(dialogs, page.Markup, [.. BackendValues(c), "/usr/local/sbin/zfsportal-ganesha", "ganesha", "NFS-Ganesha", "Ganesha"]);
        }),
        new("backends page re-rendered by a health check on another thread", async c =>
        {
            var (page, dialogs) = c.Open<BackendsPage>();
            page.WaitForElement("[data-testid=backend-row]");
            var renders = page.RenderCount;
            // The health loop's thread runs in the process's culture, not the reader's.
            await Task.Run(() =>
            {
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
                return c.Services.GetRequiredService<BackendHealthChecker>().CheckAllAsync(CancellationToken.None);
            });
            page.WaitForAssertion(() => Assert.True(page.RenderCount > renders));
            return Seen(dialogs, page.Markup, [.. BackendValues(c)]);
        }),
        new("pin host key dialog", async c =>
        {
            var (page, dialogs) = c.Open<BackendsPage>();
            page.WaitForElement("[data-testid=backend-row]");
            await ClickForDialogAsync(page, dialogs, "backend-pin");
            dialogs.WaitForElement("[data-testid=pin-fingerprint]");
            return Seen(dialogs, page.Markup, [.. BackendValues(c), "SHA256:" + FakeBackendProbe.Fingerprint]);
        }),
        new("preflight dialog with a failed check", c => PreflightAsync(c, PreflightStep.Dialect)),
        new("preflight dialog with every check passed", c => PreflightAsync(c, null)),
        new("services page", async c =>
        {
            await c.Services.GetRequiredService<BackendHealthChecker>().CheckAllAsync(CancellationToken.None);
            var (page, dialogs) = c.Open<ServicesPage>();
            page.WaitForElement("[data-testid=pool-row]");
            var b = c.Seed.Backend;
            return Seen(dialogs, page.Markup, [b.Name, b.Host, .. b.Pools]);
        }),
        new("drift page with a run and a finding, and the adopt dialog", async c =>
        {
            // As the reconciler words it (DriftScan), so the page shows it in Japanese.
            const string message = "Dataset tank/zfsportal_share_byhand is below the backend's prefix but no share owns it (2 GiB). " +
                "Adopt it as a share of a project, or destroy it on the host if nobody needs it.";
            using (var db = c.Seed.Db.CreateDbContext())
            {
                var at = DateTime.UtcNow.AddMinutes(-5);
                db.ReconcileRuns.Add(new ReconcileRun { BackendName = c.Seed.Backend.Name, StartedAt = at, DurationMs = 420, Trigger = "portal start", Findings = 1, Repairs = 1 });
                db.ReconcileRuns.Add(new ReconcileRun
                {
                    BackendName = c.Seed.Backend.Name, StartedAt = at.AddMinutes(1), DurationMs = 300, Trigger = "asked by admin@example.test", DryRun = true,
                    Findings = 1, Skipped = 2, Commands = "sudo -n /usr/sbin/exportfs -o rw 192.0.2.0/24:/tank/x",
                });
                db.DriftFindings.Add(new DriftFinding
                {
                    BackendName = c.Seed.Backend.Name, Kind = DriftKind.UnownedDataset, Dataset = "tank/zfsportal_share_byhand",
                    Message = message, SizeBytes = 2 * GiB, FirstFoundAt = at, LastFoundAt = at,
                });
                db.SaveChanges();
            }
            var (page, dialogs) = c.Open<DriftPage>();
            page.WaitForElement("[data-testid=drift-dry-commands]");
            await page.InvokeAsync(() => page.FindAll("[data-testid=drift-findings] button").Single(b => b.TextContent.Trim() == "取り込む").Click());
            dialogs.WaitForElement(".mud-dialog");
            return Seen(dialogs, page.Markup, ["tank/zfsportal_share_byhand", c.Seed.Backend.Name, "admin@example.test", c.Seed.DefaultType.Name]);
        }),
        new("drift page before any reconcile", c =>
        {
            var (page, dialogs) = c.Open<DriftPage>();
            page.WaitForElement("[data-testid=drift-backend]");
            return Task.FromResult(Seen(dialogs, page.Markup, [c.Seed.Backend.Name]));
        }),
        new("operations page with an operation and its host commands", async c =>
        {
            var (share, _, project) = await c.Seed.AvailableShareAsync("zfsvol");
            var (page, dialogs) = c.Open<OperationsPage>();
            page.WaitForElement("[data-testid=operation-row]");
            await page.InvokeAsync(() => page.Find("[data-testid=operation-expand]").Click());
            page.WaitForElement("[data-testid=operation-command]");
            return Seen(dialogs, page.Markup, [share.Name, project.Name, c.Seed.Backend.Name]);
        }),
        new("operations page with none", c =>
        {
            var (page, dialogs) = c.Open<OperationsPage>();
            page.WaitForElement("[data-testid=operations-empty]");
            return Task.FromResult(Seen(dialogs, page.Markup));
        }),
        new("projects page with none", c =>
        {
            var (page, dialogs) = c.Open<ProjectsAdminPage>();
            page.WaitForElement("[data-testid=projects-empty]");
            return Task.FromResult(Seen(dialogs, page.Markup));
        }),
        new("projects page with a full project, and the new project dialog", async c =>
        {
            var (_, _, project) = await c.Seed.AvailableShareAsync("a", sizeGiB: 10, quotas: QuotaLimits.Defaults with { Gigabytes = 10 });
            var (page, dialogs) = c.Open<ProjectsAdminPage>();
            page.WaitForElement("[data-testid=project-row]");
            await ClickForDialogAsync(page, dialogs, "project-new");
            return Seen(dialogs, page.Markup, [project.Name]);
        }),
        new("project page with a member, and removing them", async c =>
        {
            var (project, member) = c.Seed.AddProjectWithMember("alpha", QuotaLimits.Defaults with { Shares = 1 });
            await c.Seed.RequestShareAsync(member, project, "one", "1");
            var (page, dialogs) = c.Open<ProjectAdminPage>(ps => ps.Add(p => p.Id, project.Id));
            page.WaitForElement("[data-testid=member-row]");
            await ClickForDialogAsync(page, dialogs, "member-remove");
            return Seen(dialogs, page.Markup, [project.Name, member.Name, "alice@example.com"]);
        }),
        new("project page of a project that does not exist", c =>
        {
            var (page, dialogs) = c.Open<ProjectAdminPage>(ps => ps.Add(p => p.Id, Guid.NewGuid()));
            page.WaitForElement("[data-testid=project-missing]");
            return Task.FromResult(Seen(dialogs, page.Markup));
        }),
        new("usage page with its history, forecasts and the fullest shares", async c =>
        {
            var (share, _, project) = await c.Seed.AvailableShareAsync("big", sizeGiB: 10, quotas: QuotaLimits.Defaults with { Gigabytes = 20 });
            History(c, UsageSubject.Share, share.Id, 8, GiB / 4, 9 * GiB, 10 * GiB);
            History(c, UsageSubject.Project, project.Id, 8, GiB / 8, 9 * GiB, 10 * GiB);
            var (page, dialogs) = c.Open<ProjectUsagePage>();
            page.WaitForElement("[data-testid=usage-panel]");
            await page.InvokeAsync(() => c.Services.GetRequiredService<ProjectSelection>().SelectAsync(project.Id));
            page.WaitForElement("[data-testid=quota-forecast]");
            page.WaitForElement("[data-testid=fullest-row]");
            return Seen(dialogs, page.Markup, [share.Name, project.Name]);
        }),
        new("usage page for someone in no project", c =>
        {
            var (_, member) = c.Seed.AddProjectWithMember("alpha");
            c.SignInAs(member with { UserId = "nobody", IsAdmin = false });
            var (page, dialogs) = c.Open<ProjectUsagePage>();
            page.WaitForElement("[data-testid=usage-no-project]");
            return Task.FromResult(Seen(dialogs, page.Markup));
        }),
        new("a share's usage panel, full, and one without readings", async c =>
        {
            var (full, member, project) = await c.Seed.AvailableShareAsync("full", sizeGiB: 10);
            var quiet = c.Seed.Share((await c.Seed.RequestShareAsync(member, project, "quiet", "1")).Id!.Value);
            History(c, UsageSubject.Share, full.Id, 2, 0, 10 * GiB, 10 * GiB);
            var panel = c.RenderOne<ShareUsagePanel>(ps => ps.Add(p => p.ShareId, full.Id));
            panel.WaitForElement("[data-testid=usage-flag]");
            var empty = c.RenderOne<ShareUsagePanel>(ps => ps.Add(p => p.ShareId, quiet.Id));
            empty.WaitForElement("[data-testid=usage-none]");
            return new Shown(panel.Markup + empty.Markup, [full.Name, .. HostWords]);
        }),
        new("share types page, its dialog, and retiring a type", async c =>
        {
            var silver = c.Seed.AddShareType("silver", t => { t.Approval = ApprovalPolicy.AboveSize; t.ApprovalAboveGiB = 50; });
            var (page, dialogs) = c.Open<ShareTypesAdminPage>();
            page.WaitForElement("[data-testid=share-type-row]");
            await ClickForDialogAsync(page, dialogs, "share-type-new");
            await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=share-type-public]").Change(false));
            await page.InvokeAsync(() => page.FindAll("[data-testid=share-type-retire]").Single(b => !b.HasAttribute("disabled")).Click());
            dialogs.WaitForAssertion(() => Assert.Equal(2, dialogs.FindAll(".mud-dialog").Count));
            using var db = c.Seed.Db.CreateDbContext();
            // The export policy's summary comes from the Access feature's service, as a sentence of its own.
            var policies = db.ShareTypes.AsEnumerable().Select(t => ZfsPortal.Features.Access.ExportPolicyInput.Describe(t.ExportPolicy));
            return Seen(dialogs, page.Markup, [c.Seed.DefaultType.Name, c.Seed.DefaultType.Description, silver.Name, silver.Description, .. policies]);
        }),
        new("share types page with a default schedule, and its schedule dialog", async c =>
        {
            var schedules = c.Seed.Service<ZfsPortal.Features.Snapshots.Schedules.SnapshotPolicyService>();
            var daily = new ZfsPortal.Features.Snapshots.Schedules.SnapshotPolicyInput(ScheduleKind.Daily,
                30, 2, DayOfWeek.Monday, null, "Europe/Berlin", 7);
            Assert.True((await schedules.SetForShareTypeAsync(c.Seed.Admin, c.Seed.DefaultType.Id, daily)).Succeeded);
            var (page, dialogs) = c.Open<ShareTypesAdminPage>();
            page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=share-type-snapshot-policy]").HasAttribute("disabled")));
            await page.InvokeAsync(() => page.Find("[data-testid=share-type-snapshot-policy]").Click());
            dialogs.WaitForElement("#type-policy-keep");
            using var db = c.Seed.Db.CreateDbContext();
            var policies = db.ShareTypes.AsEnumerable().Select(t => ZfsPortal.Features.Access.ExportPolicyInput.Describe(t.ExportPolicy));
            return Seen(dialogs, page.Markup, [c.Seed.DefaultType.Name, c.Seed.DefaultType.Description, "Europe/Berlin", "02:30", .. policies]);
        }),
    ];

    public static TheoryData<string> Names => [.. Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public Task Shows_only_Japanese(string name) => AssertAllJapaneseAsync(Cases.Single(c => c.Name == name));

    [Fact]
    public void Every_admin_component_has_a_case_or_is_inside_one()
    {
        // A new component in these folders must be added to a case above (or here, with the case that renders it).
        Dictionary<Type, string> covered = new()
        {
            [typeof(ApprovalsPage)] = "approvals page", [typeof(RejectDialog)] = "reject dialog", [typeof(ApprovalsNavLink)] = "approvals menu entry",
            [typeof(AuditLogPage)] = "audit log", [typeof(BackendsPage)] = "backends page", [typeof(BackendDialog)] = "add dialog",
            [typeof(HealthChip)] = "backends page", [typeof(PoolTable)] = "services page", [typeof(PinHostKeyDialog)] = "pin host key dialog",
            [typeof(PreflightDialog)] = "preflight dialog", [typeof(ServicesPage)] = "services page", [typeof(DriftPage)] = "drift page",
            [typeof(ZfsPortal.Features.Drift.Adopt.AdoptDialog)] = "adopt dialog", [typeof(OperationsPage)] = "operations page",
            [typeof(ProjectsAdminPage)] = "projects page", [typeof(NewProjectDialog)] = "new project dialog", [typeof(ProjectAdminPage)] = "project page",
            [typeof(QuotaForm)] = "project page", [typeof(QuotaUsageBars)] = "project page", [typeof(ProjectExportPolicyForm)] = "project page",
            [typeof(ProjectUsagePage)] = "usage page", [typeof(ProjectUsageHistory)] = "usage page", [typeof(FullestShares)] = "usage page",
            [typeof(UsageChart)] = "usage page", [typeof(UsageFlag)] = "usage panel", [typeof(ShareUsagePanel)] = "usage panel",
            [typeof(ShareTypesAdminPage)] = "share types page", [typeof(ShareTypeDialog)] = "share types page",
            [typeof(ShareTypeSnapshotPolicyButton)] = "share types page", [typeof(ShareTypeSnapshotPolicyDialog)] = "its schedule dialog",
            [typeof(GaneshaPathField)] = "ganesha helper chosen", [typeof(ZfsPortal.Features.Drift.Adopt.AdoptSizeLine)] = "adopt dialog",
            [typeof(ZfsPortal.Features.Drift.Unmanage.UnmanageSharePanel)] = "drift page",
        };
        string[] folders = ["Approvals", "Audit", "Backends", "Drift", "Operations", "Projects", "Quotas", "ShareTypes", "Usage"];
        var components = typeof(ApprovalsPage).Assembly.GetTypes()
            .Where(t => typeof(Microsoft.AspNetCore.Components.IComponent).IsAssignableFrom(t) && !t.IsAbstract
                && folders.Any(f => t.Namespace?.StartsWith($"ZfsPortal.Features.{f}", StringComparison.Ordinal) == true))
            .ToList();

        Assert.Empty(components.Where(t => !covered.ContainsKey(t)).Select(t => t.FullName));
        Assert.All(covered.Values, part => Assert.Contains(Cases, c => c.Name.Contains(part, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_usage_sentences_come_out_in_japanese()
    {
        var before = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("ja-JP");
        try
        {
            UsageSentencesAreJapanese();
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }

    private void UsageSentencesAreJapanese()
    {
        var texts = Services.GetRequiredService<Microsoft.Extensions.Localization.IStringLocalizer<UsageTexts>>();
        var start = DateTime.UtcNow.AddDays(-7);
        var growing = Enumerable.Range(0, 8).Select(d => new UsagePoint(start.AddDays(d), d * GiB)).ToList();

        var forecast = UsageForecast.From(growing, 19 * GiB, start.AddDays(7));

        Assert.Equal("直近 7 日間のペースでは、約 12 日で満杯になります。", forecast.SentenceIn(texts));
        Assert.Equal("Full in about 12 days at the last 7 days' rate.", forecast.Sentence);
        Assert.Equal(["使用済み", "サイズ"], UsageChartData.Build([new UsageReading(start, GiB, 2 * GiB)], null, texts).Series.Select(s => s.Name));
    }
}
