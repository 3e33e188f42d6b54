using ZfsPortal.Features.Usage;

namespace ZfsPortal.Tests.Features.Usage;

/// <summary>The forecast maths and the sentence a user reads.</summary>
public sealed class UsageForecastTests
{
    private const long GiB = 1L << 30;
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>A reading every hour over <paramref name="days"/> days, growing by <paramref name="perDay"/> bytes a day to <paramref name="last"/>.</summary>
    private static List<UsagePoint> Growing(double days, long perDay, long last) =>
        [.. Enumerable.Range(0, (int)(days * 24) + 1).Select(h => new UsagePoint(Now.AddHours(-h), last - (long)(perDay * h / 24.0)))];

    [Fact]
    public void Steady_growth_says_in_how_many_days_the_share_is_full_at_the_last_seven_days_rate()
    {
        var forecast = UsageForecast.From(Growing(10, GiB, 88 * GiB), 100 * GiB, Now);

        Assert.Equal(ForecastKind.FullIn, forecast.Kind);
        Assert.Equal(12, forecast.Days, precision: 3);
        Assert.InRange(forecast.BytesPerDay, GiB - 1024, GiB + 1024);
        Assert.Equal("Full in about 12 days at the last 7 days' rate.", forecast.Sentence);
    }

    [Fact]
    public void Only_the_last_seven_days_set_the_rate()
    {
        // Fast growth long ago, flat for the last week.
        var history = Growing(7, 0, 50 * GiB);
        history.AddRange(Enumerable.Range(8, 10).Select(d => new UsagePoint(Now.AddDays(-d), 50 * GiB - (d - 7) * 5 * GiB)));

        var forecast = UsageForecast.From(history, 100 * GiB, Now);

        Assert.Equal(ForecastKind.NoGrowth, forecast.Kind);
        Assert.Equal("No growth over the last 7 days, so no date when it fills.", forecast.Sentence);
    }

    [Fact]
    public void A_shorter_history_names_its_own_length()
    {
        var forecast = UsageForecast.From(Growing(3, 2 * GiB, 10 * GiB), 50 * GiB, Now);

        Assert.Equal("Full in about 20 days at the last 3 days' rate.", forecast.Sentence);
    }

    [Fact]
    public void Shrinking_use_is_no_growth()
    {
        var forecast = UsageForecast.From(Growing(7, -GiB, 10 * GiB), 50 * GiB, Now);

        Assert.Equal(ForecastKind.NoGrowth, forecast.Kind);
        Assert.True(forecast.BytesPerDay < 0);
    }

    [Theory]
    [InlineData(2, 0.5)]   // two readings
    [InlineData(50, 0.5)]  // many readings, but half a day
    public void Too_little_history_says_so_instead_of_guessing(int points, double spanDays)
    {
        var history = Enumerable.Range(0, points)
            .Select(i => new UsagePoint(Now.AddDays(-spanDays * i / Math.Max(1, points - 1)), GiB + i * GiB)).ToList();

        var forecast = UsageForecast.From(history, 100 * GiB, Now);

        Assert.Equal(ForecastKind.TooLittleData, forecast.Kind);
        Assert.Equal(UsageTexts.TooLittleData, forecast.Sentence);
    }

    [Fact]
    public void A_full_share_is_full_now_whatever_the_history()
    {
        var forecast = UsageForecast.From([new UsagePoint(Now, 5 * GiB)], 5 * GiB, Now);

        Assert.Equal(ForecastKind.FullNow, forecast.Kind);
        Assert.Equal(UsageTexts.FullNow, forecast.Sentence);
    }

    [Fact]
    public void Very_near_and_very_far_fill_ups_read_as_whole_sentences()
    {
        Assert.Equal("Full within a day at the last 7 days' rate.", UsageForecast.From(Growing(8, 10 * GiB, 95 * GiB), 100 * GiB, Now).Sentence);
        Assert.Equal("Not full within a year at the last 7 days' rate.",
            UsageForecast.From(Growing(8, 100L << 20, GiB), 1000 * GiB, Now).Sentence);
        Assert.Equal("Full in about 4 days at the last day's rate.", UsageForecast.From(Growing(1, GiB, 6 * GiB), 10 * GiB, Now).Sentence);
    }

    [Fact]
    public void The_slope_is_the_least_squares_line_through_noisy_readings()
    {
        var noise = new long[] { 3, -2, 1, -4, 2, 0, -1 };
        var points = noise.Select((n, d) => new UsagePoint(Now.AddDays(d - 6), d * GiB + n * (GiB / 100))).ToList();

        Assert.InRange(UsageForecast.Slope(points), 0.9 * GiB, 1.1 * GiB);
    }

    [Theory]
    [InlineData(79, 100, UsageLevel.Normal)]
    [InlineData(80, 100, UsageLevel.Warning)]
    [InlineData(95, 100, UsageLevel.Critical)]
    [InlineData(5, 0, UsageLevel.Normal)]
    public void Shares_are_flagged_at_eighty_and_ninety_five_percent(long used, long size, UsageLevel level) =>
        Assert.Equal(level, UsageLevels.Of(used, size));
}
