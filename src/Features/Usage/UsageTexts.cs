namespace ZfsPortal.Features.Usage;

/// <summary>
/// The usage pages' words and sentences, each whole with its placeholders (never pieced together). They are the keys of
/// UsageTexts.ja.resx: every component in this folder reads them through <c>IStringLocalizer&lt;UsageTexts&gt;</c>, and the
/// forecast and chart code hands over a key and its values rather than a finished English sentence.
/// </summary>
public sealed class UsageTexts
{
    private UsageTexts()
    {
    }

    public const string FullInDaysLastDays = "Full in about {0} days at the last {1} days' rate.";
    public const string FullInDaysLastDay = "Full in about {0} days at the last day's rate.";
    public const string WithinADayLastDays = "Full within a day at the last {0} days' rate.";
    public const string WithinADayLastDay = "Full within a day at the last day's rate.";
    public const string NotWithinAYearLastDays = "Not full within a year at the last {0} days' rate.";
    public const string NotWithinAYearLastDay = "Not full within a year at the last day's rate.";
    public const string NoGrowthLastDays = "No growth over the last {0} days, so no date when it fills.";
    public const string NoGrowthLastDay = "No growth over the last day, so no date when it fills.";
    public const string FullNow = "Full now: nothing more fits until it is extended or data is removed.";
    public const string TooLittleData = "Too little history for a forecast yet: it needs a day of readings.";
    public const string NoHistory = "No usage readings yet: they are taken at every health check of the share's backend.";
    public const string UsedOfSize = "{0} used of {1} ({2}).";
    public const string QuotaAllocated = "{0} GiB of the {1} GiB quota given to shares ({2}).";
    public const string QuotaUnlimited = "{0} GiB given to shares; the quota is unlimited.";
    public const string LevelWarning = "over 80 %";
    public const string LevelCritical = "over 95 %";
    public const string ChartUsed = "Used";
    public const string ChartSize = "Size";
    public const string ChartQuota = "Quota";
    public const string FullestSharesTitle = "Fullest shares across projects";
    public const string FullestSharesEmpty = "No share has a usage reading yet.";
    public const string ColumnShare = "Share";
    public const string ColumnProject = "Project";
    public const string ColumnUsed = "Used";
    public const string ColumnSize = "Size";
    public const string ShareUsageTitle = "Usage";
    public const string ProjectUsageTitle = "Usage over time";
    public const string ShareChartLabel = "Used and size of this share over time";
    public const string ProjectChartLabel = "Used, share sizes and quota of this project over time";
}
