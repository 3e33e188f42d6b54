using Bunit;
using MudBlazor;
using ZfsPortal.Features.Usage;

namespace ZfsPortal.Tests.Features.Usage;

/// <summary>What the usage charts are given to draw.</summary>
public sealed class UsageChartTests : MudTestContext
{
    private const long GiB = 1L << 30;
    private static readonly DateTime Start = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    public UsageChartTests() => Interactive();

    private static List<UsageReading> Daily(int days) =>
        [.. Enumerable.Range(0, days).Select(d => new UsageReading(Start.AddDays(d), d * GiB / 2, 10 * GiB))];

    [Fact]
    public void A_share_chart_draws_used_and_size_in_gib_per_reading()
    {
        var cut = Render<UsageChart>(ps => ps.Add(p => p.History, Daily(5)));

        var chart = cut.FindComponent<MudChart<double>>().Instance;
        Assert.Equal(ChartType.Line, chart.ChartType);
        var series = chart.ChartSeries!.ToList();
        Assert.Equal(["Used", "Size"], series.Select(s => s.Name));
        Assert.Equal([0, 0.5, 1, 1.5, 2], series[0].Data.Values);
        Assert.Equal([10, 10, 10, 10, 10], series[1].Data.Values);
        Assert.Equal(["11-20 00:00", "11-21 00:00", "11-22 00:00", "11-23 00:00", "11-24 00:00"], chart.ChartLabels);
    }

    [Fact]
    public void A_project_chart_adds_its_quota_as_a_flat_line()
    {
        var cut = Render<UsageChart>(ps => ps.Add(p => p.History, Daily(3)).Add(p => p.QuotaBytes, 25 * GiB));

        var series = cut.FindComponent<MudChart<double>>().Instance.ChartSeries!.ToList();
        Assert.Equal(["Used", "Size", "Quota"], series.Select(s => s.Name));
        Assert.Equal([25, 25, 25], series[2].Data.Values);
    }

    [Fact]
    public void A_long_history_is_drawn_with_a_bounded_number_of_points_ending_at_the_latest()
    {
        var history = Daily(400);

        var model = UsageChartData.Build(history);

        var used = model.Series[0].Data.Values;
        Assert.Equal(UsageChartData.MaxPoints, used.Count);
        Assert.Equal(0, used[0]);
        Assert.Equal(UsageChartData.GiB(history[^1].UsedBytes), used[^1]);
        Assert.True(used.Zip(used.Skip(1)).All(p => p.First <= p.Second), "points stay in time order");
        Assert.InRange(model.Labels.Count(l => l.Length > 0), 2, UsageChartData.MaxLabels + 1);
        Assert.NotEqual("", model.Labels[^1]);
    }
}
