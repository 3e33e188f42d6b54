using System.Globalization;
using Cronos;
using ZfsPortal.Data;

namespace ZfsPortal.Features.Snapshots.Schedules;

/// <summary>
/// A policy's schedule as one cron expression read in its time zone (Cronos does the calendar: month ends, DST gaps and
/// repeats). Every kind is a cron expression: hourly at :MM, daily at HH:MM, weekly on a day at HH:MM, or the tenant's own.
/// </summary>
public sealed class SnapshotSchedule
{
    private readonly CronExpression _cron;

    private SnapshotSchedule(string expression, CronExpression cron, TimeZoneInfo zone, bool hasSeconds) =>
        (Expression, _cron, Zone, HasSeconds) = (expression, cron, zone, hasSeconds);

    public string Expression { get; }
    public TimeZoneInfo Zone { get; }
    public bool HasSeconds { get; }

    /// <summary>The schedule of a policy; null with the sentence a form shows when a field is wrong.</summary>
    public static SnapshotSchedule? From(ScheduleKind kind, int minute, int hour, DayOfWeek day, string? cron, string? timeZoneId, out string? error)
    {
        error = null;
        if (!TryZone(timeZoneId, out var zone))
        {
            error = $"'{timeZoneId}' is not a time zone this portal knows; use an IANA name such as UTC, Europe/Berlin or America/New_York.";
            return null;
        }
        if (kind != ScheduleKind.Cron && (minute is < 0 or > 59 || (kind != ScheduleKind.Hourly && hour is < 0 or > 23)))
        {
            error = "Give the time as hours 0–23 and minutes 0–59.";
            return null;
        }
        var expression = kind switch
        {
            ScheduleKind.Hourly => $"{minute} * * * *",
            ScheduleKind.Daily => $"{minute} {hour} * * *",
            ScheduleKind.Weekly => $"{minute} {hour} * * {(int)day}",
            _ => (cron ?? "").Trim(),
        };
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (expression.Length > SnapshotRules.MaxCronLength || fields.Length is not (5 or 6))
        {
            error = "A cron expression has five fields (minute hour day-of-month month day-of-week), or six with seconds first; e.g. '0 */4 * * *'.";
            return null;
        }
        try
        {
            var normalised = string.Join(' ', fields);
            var parsed = CronExpression.Parse(normalised, fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return new SnapshotSchedule(normalised, parsed, zone, fields.Length == 6);
        }
        catch (CronFormatException ex)
        {
            error = $"'{expression}' is not a cron expression: {ex.Message.TrimEnd('.')}.";
            return null;
        }
    }

    public static SnapshotSchedule? From(SnapshotPolicy policy, out string? error) =>
        From(policy.Kind, policy.Minute, policy.Hour, policy.DayOfWeek, policy.CronExpression, policy.TimeZoneId, out error);

    /// <summary>The first run after <paramref name="afterUtc"/>; null when the expression never fires again (e.g. 30 February).</summary>
    public DateTime? NextAfter(DateTime afterUtc) => _cron.GetNextOccurrence(Utc(afterUtc), Zone);

    /// <summary>
    /// The latest run in (<paramref name="sinceUtc"/>, <paramref name="nowUtc"/>]: after downtime only the newest missed run
    /// is taken, once; null when none fell due. Searched backwards in growing windows so that a frequent schedule after a
    /// long downtime does not enumerate every run it missed.
    /// </summary>
    public DateTime? LatestDue(DateTime sinceUtc, DateTime nowUtc)
    {
        var (since, now) = (Utc(sinceUtc), Utc(nowUtc));
        if (now <= since)
            return null;
        for (var window = TimeSpan.FromMinutes(HasSeconds ? 1 : 90); ; window *= 8)
        {
            var from = now - since <= window ? since : now - window;
            var last = _cron.GetOccurrences(from, now, Zone, fromInclusive: false, toInclusive: true).Cast<DateTime?>().LastOrDefault();
            if (last is not null || from == since)
                return last;
        }
    }

    /// <summary>The name of the snapshot a run takes: its time in UTC, readable and never repeated (local clocks repeat in autumn).</summary>
    public string SnapshotName(DateTime runUtc) =>
        "auto-" + Utc(runUtc).ToString(HasSeconds ? "yyyy-MM-dd-HHmmss" : "yyyy-MM-dd-HHmm", CultureInfo.InvariantCulture) + "Z";

    private static DateTime Utc(DateTime t) => t.Kind == DateTimeKind.Utc ? t : DateTime.SpecifyKind(t, DateTimeKind.Utc);

    private static bool TryZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id) || id.Length > SnapshotRules.MaxTimeZoneLength)
            return false;
        return TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out zone!);
    }
}
