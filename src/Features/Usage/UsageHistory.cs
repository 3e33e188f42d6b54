namespace ZfsPortal.Features.Usage;

/// <summary>Samples younger than <paramref name="Age"/> keep one per <paramref name="Bucket"/> (the latest in it).</summary>
public sealed record UsageTier(TimeSpan Age, TimeSpan Bucket);

/// <summary>
/// How a usage history stays compact: one reading per 15 minutes for two days, one per hour for two weeks, one per day
/// for 400 days, nothing older. Buckets are aligned to fixed times, so thinning twice keeps the same rows.
/// </summary>
public static class UsageHistory
{
    public static readonly IReadOnlyList<UsageTier> Tiers =
    [
        new(TimeSpan.FromDays(2), TimeSpan.FromMinutes(15)),
        new(TimeSpan.FromDays(14), TimeSpan.FromHours(1)),
        new(TimeSpan.FromDays(400), TimeSpan.FromDays(1)),
    ];

    /// <summary>The finest bucket: a new reading replaces the subject's latest sample when both fall in one.</summary>
    public static TimeSpan Finest => Tiers[0].Bucket;

    /// <summary>Samples older than this are dropped.</summary>
    public static TimeSpan Horizon => Tiers[^1].Age;

    /// <summary>The most rows one subject can hold: each tier's buckets, plus one per tier for a bucket cut by its edge.</summary>
    public static int MaxRows
    {
        get
        {
            var rows = 0;
            var younger = TimeSpan.Zero;
            foreach (var tier in Tiers)
            {
                rows += (int)Math.Ceiling((tier.Age - younger) / tier.Bucket) + 1;
                younger = tier.Age;
            }
            return rows;
        }
    }

    public static DateTime BucketStart(DateTime at, TimeSpan bucket) =>
        new(at.Ticks - at.Ticks % bucket.Ticks, DateTimeKind.Utc);

    /// <summary>Whether a reading at <paramref name="next"/> replaces the sample taken at <paramref name="last"/>.</summary>
    public static bool SameFinestBucket(DateTime last, DateTime next) => BucketStart(last, Finest) == BucketStart(next, Finest);

    /// <summary>
    /// Of one subject's samples, those to delete at <paramref name="now"/>: every one past the horizon, and in each tier's
    /// bucket all but the latest.
    /// </summary>
    public static IReadOnlyList<T> ToDrop<T>(IEnumerable<T> samples, Func<T, DateTime> at, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(at);
        var drop = new List<T>();
        var kept = new Dictionary<(int Tier, DateTime Bucket), T>();
        foreach (var sample in samples.OrderByDescending(at))
        {
            var age = now - at(sample);
            var tier = TierOf(age);
            if (tier < 0)
            {
                drop.Add(sample);
                continue;
            }
            // Newest first: the first sample seen in a bucket is the one it keeps.
            if (!kept.TryAdd((tier, BucketStart(at(sample), Tiers[tier].Bucket)), sample))
                drop.Add(sample);
        }
        return drop;
    }

    private static int TierOf(TimeSpan age)
    {
        for (var i = 0; i < Tiers.Count; i++)
            if (age < Tiers[i].Age)
                return i;
        return -1;
    }
}
