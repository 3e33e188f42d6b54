using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using ZfsPortal.Data;
using ZfsPortal.Features.Projects;
using ZfsPortal.Features.Shares;
using ZfsPortal.Features.Usage;

namespace ZfsPortal.Tests.Features.Usage;

/// <summary>The usage history where users read it: the share page, the shares and projects lists, the usage page.</summary>
public sealed class UsagePagesTests : PortalPageTestContext
{
    private const long GiB = 1L << 30;

    /// <summary>A reading every six hours for <paramref name="days"/> days up to now, growing by <paramref name="perDay"/> to <paramref name="last"/>.</summary>
    private void History(UsageSubject subject, Guid id, int days, long perDay, long last, long size)
    {
        var now = DateTime.UtcNow;
        using var db = World.Db.CreateDbContext();
        for (var h = 0; h <= days * 24; h += 6)
            db.UsageSamples.Add(new UsageSample
            {
                Subject = subject, SubjectId = id, At = now.AddHours(-h), UsedBytes = last - perDay * h / 24, SizeBytes = size,
            });
        db.SaveChanges();
    }

    [Fact]
    public async Task The_share_page_shows_the_latest_use_its_flag_the_forecast_and_the_chart()
    {
        var (share, member, _) = await World.AvailableShareAsync("growing", sizeGiB: 10);
        History(UsageSubject.Share, share.Id, 8, GiB / 2, 9 * GiB + GiB / 2, 10 * GiB);
        SignIn(member);

        var (page, _) = RenderPage<SharePage>(ps => ps.Add(p => p.Id, share.Id));

        page.WaitForAssertion(() => Assert.Contains("9.5 GiB used of 10 GiB", page.Find("[data-testid=share-usage] [data-testid=usage-now]").TextContent,
            StringComparison.Ordinal));
        Assert.Equal("critical", page.Find("[data-testid=share-usage] [data-testid=usage-flag]").GetAttribute("data-level"));
        Assert.Equal("Full within a day at the last 7 days' rate.", page.Find("[data-testid=share-usage] [data-testid=usage-forecast]").TextContent.Trim());
        var series = page.FindComponent<MudChart<double>>().Instance.ChartSeries!.ToList();
        Assert.Equal(9.5, series[0].Data.Values[^1]);
        Assert.Equal(10, series[1].Data.Values[^1]);
    }

    [Fact]
    public async Task A_share_without_readings_says_when_they_come()
    {
        var (share, member, _) = await World.AvailableShareAsync("quiet");
        SignIn(member);

        var (page, _) = RenderPage<SharePage>(ps => ps.Add(p => p.Id, share.Id));

        page.WaitForAssertion(() => Assert.Equal(UsageTexts.NoHistory, page.Find("[data-testid=usage-none]").TextContent.Trim()));
        Assert.Empty(page.FindComponents<MudChart<double>>());
    }

    [Fact]
    public async Task The_shares_list_flags_shares_past_eighty_and_ninety_five_percent()
    {
        var (full, member, project) = await World.AvailableShareAsync("full", sizeGiB: 10);
        var half = World.Share((await World.RequestShareAsync(member, project, "half", "10")).Id!.Value);
        var warm = World.Share((await World.RequestShareAsync(member, project, "warm", "10")).Id!.Value);
        await World.RunQueuedJobsAsync();
        History(UsageSubject.Share, full.Id, 1, 0, 96 * GiB / 10, 10 * GiB);
        History(UsageSubject.Share, half.Id, 1, 0, 5 * GiB, 10 * GiB);
        History(UsageSubject.Share, warm.Id, 1, 0, 85 * GiB / 10, 10 * GiB);
        SignIn(member);

        var (page, _) = RenderPage<SharesPage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=share-used]").Count));
        string Flag(Guid id) => page.Find($"[data-share-id='{id}']").Closest("tr")!.QuerySelector("[data-testid=usage-flag]")?.GetAttribute("data-level") ?? "none";
        Assert.Equal("critical", Flag(full.Id));
        Assert.Equal("warning", Flag(warm.Id));
        Assert.Equal("none", Flag(half.Id));
    }

    [Fact]
    public async Task The_usage_page_charts_the_project_against_its_quota_and_admins_see_the_fullest_shares()
    {
        var quotas = QuotaLimits.Defaults with { Gigabytes = 20 };
        var (share, _, project) = await World.AvailableShareAsync("big", sizeGiB: 10, quotas: quotas);
        var (other, _, _) = await World.AvailableShareAsync("small", sizeGiB: 10);
        History(UsageSubject.Share, share.Id, 8, GiB / 4, 8 * GiB, 10 * GiB);
        History(UsageSubject.Share, other.Id, 1, 0, GiB, 10 * GiB);
        History(UsageSubject.Project, project.Id, 8, 0, 8 * GiB, 10 * GiB);
        var (page, _) = RenderPage<ProjectUsagePage>();
        page.WaitForElement("[data-testid=usage-panel]");
        await page.InvokeAsync(() => Services.GetRequiredService<ProjectSelection>().SelectAsync(project.Id));

        page.WaitForAssertion(() => Assert.Contains("10 GiB of the 20 GiB quota", page.Find("[data-testid=quota-now]").TextContent, StringComparison.Ordinal));
        Assert.Equal("No growth over the last 7 days, so no date when it fills.", page.Find("[data-testid=quota-forecast]").TextContent.Trim());
        var series = page.FindComponent<MudChart<double>>().Instance.ChartSeries!.ToList();
        Assert.Equal(["Used", "Size", "Quota"], series.Select(s => s.Name));
        Assert.Equal(20, series[2].Data.Values[0]);
        page.WaitForAssertion(() => Assert.Equal([share.Id.ToString(), other.Id.ToString()],
            page.FindAll("[data-testid=fullest-row]").Select(r => r.GetAttribute("data-share-id"))));
        Assert.Contains("80", page.FindAll("[data-testid=fullest-row]")[0].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_projects_list_flags_projects_whose_gigabytes_quota_is_past_eighty_and_ninety_five_percent()
    {
        var (_, _, full) = await World.AvailableShareAsync("a", sizeGiB: 10, quotas: QuotaLimits.Defaults with { Gigabytes = 10 });
        var (_, _, warm) = await World.AvailableShareAsync("b", sizeGiB: 17, quotas: QuotaLimits.Defaults with { Gigabytes = 20 });
        var (_, _, roomy) = await World.AvailableShareAsync("c", sizeGiB: 5, quotas: QuotaLimits.Defaults with { Gigabytes = 20 });
        var (_, _, open) = await World.AvailableShareAsync("d", sizeGiB: 50, quotas: QuotaLimits.Defaults with { Gigabytes = QuotaLimits.Unlimited });

        var (page, _) = RenderPage<ProjectsAdminPage>();

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=project-row]").Count(r => r.GetAttribute("data-project-id") is not null)));
        string Flag(Guid id) => page.Find($"[data-project-id='{id}']").Closest("tr")!.QuerySelector("[data-testid=usage-flag]")?.GetAttribute("data-level") ?? "none";
        Assert.Equal("critical", Flag(full.Id));
        Assert.Equal("warning", Flag(warm.Id));
        Assert.Equal("none", Flag(roomy.Id));
        Assert.Equal("none", Flag(open.Id));
    }
}
