using System.Globalization;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace ZfsPortal.Features.Usage;

/// <summary>What a usage chart draws: its x labels and its series, in GiB.</summary>
public sealed record UsageChartModel(string[] Labels, List<ChartSeries<double>> Series);

/// <summary>
/// Turns a history into a line chart's data: at most <see cref="MaxPoints"/> points (evenly picked, the latest always
/// among them), the used and size lines, and the quota as a flat line when there is one. A few x labels only, so they stay
/// readable; the rest are blank.
/// </summary>
public static class UsageChartData
{
    public const int MaxPoints = 60;
    public const int MaxLabels = 6;

    /// <param name="texts">Names the series in the UI's language; English without it.</param>
    public static UsageChartModel Build(IReadOnlyList<UsageReading> history, long? quotaBytes = null, IStringLocalizer<UsageTexts>? texts = null)
    {
        string Name(string text) => texts is null ? text : texts[text];
        ArgumentNullException.ThrowIfNull(history);
        var points = Pick(history);
        var step = Math.Max(1, (int)Math.Ceiling(points.Count / (double)MaxLabels));
        var labels = points.Select((p, i) => i % step == 0 || i == points.Count - 1
            ? p.At.ToString("MM-dd HH:mm", CultureInfo.CurrentCulture) : "").ToArray();
        var series = new List<ChartSeries<double>>
        {
            new() { Name = Name(UsageTexts.ChartUsed), Data = points.Select(p => GiB(p.UsedBytes)).ToArray() },
            new() { Name = Name(UsageTexts.ChartSize), Data = points.Select(p => GiB(p.SizeBytes)).ToArray() },
        };
        if (quotaBytes is { } quota)
            series.Add(new() { Name = Name(UsageTexts.ChartQuota), Data = points.Select(_ => GiB(quota)).ToArray() });
        return new UsageChartModel(labels, series);
    }

    public static double GiB(long bytes) => Math.Round(bytes / (double)(1L << 30), 2);

    private static List<UsageReading> Pick(IReadOnlyList<UsageReading> history)
    {
        if (history.Count <= MaxPoints)
            return [.. history];
        // Evenly spread over the history, from the oldest to the latest.
        return [.. Enumerable.Range(0, MaxPoints).Select(i => history[(int)Math.Round(i * (history.Count - 1) / (double)(MaxPoints - 1))])];
    }
}
