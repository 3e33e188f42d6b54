namespace ZfsPortal.Features.Usage;

public enum UsageLevel { Normal, Warning, Critical }

/// <summary>The thresholds at which a share or a project is flagged: 80 % (warning) and 95 % (critical).</summary>
public static class UsageLevels
{
    public const double Warning = 0.80;
    public const double Critical = 0.95;

    /// <summary>Used over capacity; 0 when there is no capacity to measure against.</summary>
    public static double Fraction(long used, long capacity) => capacity <= 0 ? 0 : (double)used / capacity;

    public static UsageLevel Of(long used, long capacity) => Of(Fraction(used, capacity));

    /// <summary>A project's gigabytes in use and reserved against its limit; never flagged when unlimited.</summary>
    public static UsageLevel OfQuota(long gigabytes, int limit) =>
        limit == Data.QuotaLimits.Unlimited ? UsageLevel.Normal : limit == 0 ? (gigabytes > 0 ? UsageLevel.Critical : UsageLevel.Normal) : Of(gigabytes, limit);

    public static UsageLevel Of(double fraction) =>
        fraction >= Critical ? UsageLevel.Critical : fraction >= Warning ? UsageLevel.Warning : UsageLevel.Normal;
}
