using ZfsPortal.Features.Usage;

namespace ZfsPortal.Tests.Features.Usage;

/// <summary>The downsampling maths: a history stays bounded, and keeps the latest reading of each tier's bucket.</summary>
public sealed class UsageHistoryTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 12, 7, 0, DateTimeKind.Utc);

    /// <summary>One reading per finest bucket (what the recorder writes) for <paramref name="days"/> days up to now.</summary>
    private static List<DateTime> Readings(int days) =>
        [.. Enumerable.Range(0, days * 96).Select(i => Now - TimeSpan.FromMinutes(15 * i))];

    private static List<DateTime> Kept(IReadOnlyList<DateTime> samples) =>
        [.. samples.Except(UsageHistory.ToDrop(samples, t => t, Now)).OrderBy(t => t)];

    [Fact]
    public void A_year_and_a_half_of_readings_thins_to_fifteen_minutes_then_hours_then_days_within_the_bound()
    {
        var kept = Kept(Readings(550));

        Assert.InRange(kept.Count, 1, UsageHistory.MaxRows);
        Assert.True(UsageHistory.MaxRows < 1000, $"MaxRows is {UsageHistory.MaxRows}");
        Assert.All(kept, t => Assert.True(Now - t < UsageHistory.Horizon, $"{t:O} is past the horizon"));
        var recent = kept.Where(t => Now - t < TimeSpan.FromDays(2)).ToList();
        var hourly = kept.Where(t => Now - t is var age && age >= TimeSpan.FromDays(2) && age < TimeSpan.FromDays(14)).ToList();
        var daily = kept.Where(t => Now - t >= TimeSpan.FromDays(14)).ToList();
        Assert.Equal(192, recent.Count);
        // One per hour: no two kept readings of the hourly tier share an hour, and none is missing.
        Assert.Equal(hourly.Count, hourly.Select(t => UsageHistory.BucketStart(t, TimeSpan.FromHours(1))).Distinct().Count());
        Assert.InRange(hourly.Count, 12 * 24 - 1, 12 * 24 + 1);
        Assert.Equal(daily.Count, daily.Select(t => t.Date).Distinct().Count());
        Assert.InRange(daily.Count, 385, 387);
        Assert.Equal(Now, kept[^1]);
    }

    [Fact]
    public void Each_bucket_keeps_its_latest_reading()
    {
        var day = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var samples = new List<DateTime> { day.AddHours(1), day.AddHours(9), day.AddHours(23).AddMinutes(45), day.AddDays(1).AddHours(2) };

        var kept = Kept(samples);

        Assert.Equal([day.AddHours(23).AddMinutes(45), day.AddDays(1).AddHours(2)], kept);
    }

    [Fact]
    public void Thinning_again_drops_nothing_more()
    {
        var once = Kept(Readings(60));

        Assert.Empty(UsageHistory.ToDrop(once, t => t, Now));
    }

    [Fact]
    public void A_reading_replaces_the_sample_of_its_fifteen_minutes_only()
    {
        var at = new DateTime(2026, 12, 1, 10, 14, 59, DateTimeKind.Utc);

        Assert.True(UsageHistory.SameFinestBucket(at.AddMinutes(-14), at));
        Assert.False(UsageHistory.SameFinestBucket(at, at.AddSeconds(1)));
    }
}
