using Microsoft.Extensions.Localization;

namespace ZfsPortal.Features.Usage;

public enum ForecastKind { TooLittleData, NoGrowth, FullNow, FullIn }

/// <summary>One reading of a history: when, and how much was in use.</summary>
public readonly record struct UsagePoint(DateTime At, long UsedBytes);

/// <summary>
/// When a share (or a project's quota) fills at the recent rate: a least-squares line through the last
/// <see cref="Window"/> of readings, extrapolated from the latest reading to <c>capacity</c>.
/// </summary>
/// <param name="Days">Days until full (FullIn only).</param>
/// <param name="WindowDays">Whole days of history the rate is taken over (1 to 7).</param>
/// <param name="BytesPerDay">The rate; 0 when there was too little data.</param>
public sealed record UsageForecast(ForecastKind Kind, double Days, int WindowDays, double BytesPerDay)
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    /// <summary>Less history than this gives no forecast: a few minutes' rate says nothing about the weeks ahead.</summary>
    public static readonly TimeSpan MinimumSpan = TimeSpan.FromDays(1);

    public const int MinimumPoints = 3;

    /// <summary>Growth slower than this (1 MiB a day) is no growth: it would "fill" a share in centuries.</summary>
    public const double NoGrowthBytesPerDay = 1 << 20;

    public static UsageForecast From(IReadOnlyList<UsagePoint> history, long capacityBytes, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(history);
        var points = history.Where(p => p.At >= now - Window && p.At <= now).OrderBy(p => p.At).ToList();
        var latest = history.Count == 0 ? (UsagePoint?)null : history.MaxBy(p => p.At);
        if (latest is { } last && capacityBytes > 0 && last.UsedBytes >= capacityBytes)
            return new UsageForecast(ForecastKind.FullNow, 0, 0, 0);
        if (points.Count < MinimumPoints || points[^1].At - points[0].At < MinimumSpan)
            return new UsageForecast(ForecastKind.TooLittleData, 0, 0, 0);

        var span = points[^1].At - points[0].At;
        var windowDays = Math.Clamp((int)Math.Round(span.TotalDays), 1, (int)Window.TotalDays);
        var slope = Slope(points);
        if (slope < NoGrowthBytesPerDay || capacityBytes <= 0)
            return new UsageForecast(ForecastKind.NoGrowth, 0, windowDays, slope);
        var days = (capacityBytes - points[^1].UsedBytes) / slope;
        return new UsageForecast(ForecastKind.FullIn, days, windowDays, slope);
    }

    /// <summary>Bytes per day of the least-squares line through the points.</summary>
    public static double Slope(IReadOnlyList<UsagePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2)
            return 0;
        var origin = points[0].At;
        double n = points.Count, sx = 0, sy = 0, sxx = 0, sxy = 0;
        foreach (var p in points)
        {
            var x = (p.At - origin).TotalDays;
            double y = p.UsedBytes;
            sx += x; sy += y; sxx += x * x; sxy += x * y;
        }
        var denominator = n * sxx - sx * sx;
        return denominator <= 0 ? 0 : (n * sxy - sx * sy) / denominator;
    }

    /// <summary>The forecast as one English sentence, from <see cref="UsageTexts"/>.</summary>
    public string Sentence
    {
        get
        {
            var (text, values) = Parts;
            return string.Format(System.Globalization.CultureInfo.CurrentCulture, text, values);
        }
    }

    /// <summary>The forecast's sentence in the UI's language.</summary>
    public string SentenceIn(IStringLocalizer<UsageTexts> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var (text, values) = Parts;
        return texts[text, values];
    }

    /// <summary>The sentence's key in <see cref="UsageTexts"/> and the values for its placeholders.</summary>
    private (string Text, object[] Values) Parts => Kind switch
    {
        ForecastKind.FullNow => (UsageTexts.FullNow, []),
        ForecastKind.TooLittleData => (UsageTexts.TooLittleData, []),
        ForecastKind.NoGrowth => (WindowDays == 1 ? UsageTexts.NoGrowthLastDay : UsageTexts.NoGrowthLastDays, [WindowDays]),
        _ when Days > 365 => (WindowDays == 1 ? UsageTexts.NotWithinAYearLastDay : UsageTexts.NotWithinAYearLastDays, [WindowDays]),
        _ when Days < 1.5 => (WindowDays == 1 ? UsageTexts.WithinADayLastDay : UsageTexts.WithinADayLastDays, [WindowDays]),
        _ => (WindowDays == 1 ? UsageTexts.FullInDaysLastDay : UsageTexts.FullInDaysLastDays, [(int)Math.Round(Days), WindowDays]),
    };
}
