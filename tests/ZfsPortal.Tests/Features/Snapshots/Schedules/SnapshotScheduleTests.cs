using ZfsPortal.Data;
using ZfsPortal.Features.Snapshots.Schedules;

namespace ZfsPortal.Tests.Features.Snapshots.Schedules;

/// <summary>The schedule maths: what each kind means, time zones and DST, month ends, and what a downtime catches up.</summary>
public sealed class SnapshotScheduleTests
{
    private static DateTime Utc(string iso) => DateTime.SpecifyKind(DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);

    private static SnapshotSchedule Schedule(ScheduleKind kind, int minute = 0, int hour = 0, DayOfWeek day = DayOfWeek.Sunday, string? cron = null, string zone = "UTC") =>
        SnapshotSchedule.From(kind, minute, hour, day, cron, zone, out var error) ?? throw new InvalidOperationException(error);

    [Fact]
    public void Hourly_daily_and_weekly_are_cron_expressions_at_the_given_time()
    {
        Assert.Equal("15 * * * *", Schedule(ScheduleKind.Hourly, minute: 15).Expression);
        Assert.Equal("30 2 * * *", Schedule(ScheduleKind.Daily, minute: 30, hour: 2).Expression);
        Assert.Equal("0 18 * * 5", Schedule(ScheduleKind.Weekly, hour: 18, day: DayOfWeek.Friday).Expression);
        Assert.Equal(Utc("2026-12-04T18:00:00"), Schedule(ScheduleKind.Weekly, hour: 18, day: DayOfWeek.Friday).NextAfter(Utc("2026-12-01T23:00:00")));
    }

    [Fact]
    public void A_daily_time_is_read_in_the_policys_time_zone_on_both_sides_of_DST()
    {
        var berlin = Schedule(ScheduleKind.Daily, hour: 9, zone: "Europe/Berlin");

        Assert.Equal(Utc("2026-01-15T08:00:00"), berlin.NextAfter(Utc("2026-01-15T00:00:00"))); // CET, UTC+1
        Assert.Equal(Utc("2026-07-15T07:00:00"), berlin.NextAfter(Utc("2026-07-15T00:00:00"))); // CEST, UTC+2
        var newYork = Schedule(ScheduleKind.Daily, hour: 9, zone: "America/New_York");
        Assert.Equal(Utc("2026-03-09T13:00:00"), newYork.NextAfter(Utc("2026-03-08T14:00:00"))); // the day after US DST began
    }

    [Fact]
    public void A_time_the_spring_gap_skips_runs_once_when_the_clock_jumps()
    {
        // 2026-03-29: Berlin goes from 02:00 CET straight to 03:00 CEST, so 02:30 does not exist that day.
        var schedule = Schedule(ScheduleKind.Daily, minute: 30, hour: 2, zone: "Europe/Berlin");

        var run = schedule.NextAfter(Utc("2026-03-28T12:00:00"));

        Assert.Equal(Utc("2026-03-29T01:00:00"), run); // 03:00 CEST, the first moment after the gap
        Assert.Equal(Utc("2026-03-30T00:30:00"), schedule.NextAfter(run!.Value));
    }

    [Fact]
    public void A_time_the_autumn_repeat_shows_twice_runs_once()
    {
        // 2026-10-25: Berlin's clocks go back from 03:00 CEST to 02:00 CET, so 02:30 happens at 00:30Z and at 01:30Z.
        var schedule = Schedule(ScheduleKind.Daily, minute: 30, hour: 2, zone: "Europe/Berlin");

        var first = schedule.NextAfter(Utc("2026-10-24T12:00:00"));

        Assert.Equal(Utc("2026-10-25T00:30:00"), first);
        Assert.Equal(Utc("2026-10-26T01:30:00"), schedule.NextAfter(first!.Value));
    }

    [Fact]
    public void An_hourly_schedule_runs_in_both_repeated_hours_under_names_that_differ()
    {
        var schedule = Schedule(ScheduleKind.Hourly, minute: 0, zone: "Europe/Berlin");

        var first = schedule.NextAfter(Utc("2026-10-25T00:30:00"));
        var second = schedule.NextAfter(first!.Value);

        // 02:00 CEST and 02:00 CET: the same local time, an hour apart, named by UTC so the names never collide.
        Assert.Equal((Utc("2026-10-25T01:00:00"), Utc("2026-10-25T02:00:00")), (first.Value, second!.Value));
        Assert.NotEqual(schedule.SnapshotName(first.Value), schedule.SnapshotName(second.Value));
        Assert.Equal("auto-2026-10-25-0100Z", schedule.SnapshotName(first.Value));
    }

    [Fact]
    public void The_last_day_of_the_month_follows_the_calendar_and_a_31st_skips_short_months()
    {
        var last = Schedule(ScheduleKind.Cron, cron: "0 0 L * *");
        Assert.Equal(Utc("2026-02-28T00:00:00"), last.NextAfter(Utc("2026-01-31T00:00:00")));
        Assert.Equal(Utc("2028-02-29T00:00:00"), last.NextAfter(Utc("2028-01-31T00:00:00")));
        Assert.Equal(Utc("2026-04-30T00:00:00"), last.NextAfter(Utc("2026-03-31T00:00:00")));

        var the31st = Schedule(ScheduleKind.Cron, cron: "0 0 31 * *");
        Assert.Equal(Utc("2026-05-31T00:00:00"), the31st.NextAfter(Utc("2026-03-31T00:00:00")));
    }

    [Fact]
    public void After_a_downtime_only_the_newest_missed_run_is_due()
    {
        var hourly = Schedule(ScheduleKind.Hourly, minute: 0);

        // Down from 09:10 to 14:20: five runs missed, one is taken, the newest.
        Assert.Equal(Utc("2026-12-01T14:00:00"), hourly.LatestDue(Utc("2026-12-01T09:10:00"), Utc("2026-12-01T14:20:00")));
        // The run already taken is not due again; the next one is not due before its time.
        Assert.Null(hourly.LatestDue(Utc("2026-12-01T14:00:00"), Utc("2026-12-01T14:59:59")));
        Assert.Equal(Utc("2026-12-01T15:00:00"), hourly.LatestDue(Utc("2026-12-01T14:00:00"), Utc("2026-12-01T15:00:00")));
    }

    [Fact]
    public void A_long_downtime_finds_the_newest_run_of_rare_and_frequent_schedules()
    {
        var yearly = Schedule(ScheduleKind.Cron, cron: "0 0 1 1 *");
        Assert.Equal(Utc("2026-01-01T00:00:00"), yearly.LatestDue(Utc("2023-06-01T00:00:00"), Utc("2026-12-01T12:00:00")));
        Assert.Null(yearly.LatestDue(Utc("2026-01-01T00:00:00"), Utc("2026-12-01T12:00:00")));

        var everyFiveSeconds = Schedule(ScheduleKind.Cron, cron: "*/5 * * * * *");
        Assert.True(everyFiveSeconds.HasSeconds);
        Assert.Equal(Utc("2026-12-01T12:00:05"), everyFiveSeconds.LatestDue(Utc("2025-12-01T00:00:00"), Utc("2026-12-01T12:00:07")));
        Assert.Equal("auto-2026-12-01-120005Z", everyFiveSeconds.SnapshotName(Utc("2026-12-01T12:00:05")));
    }

    [Fact]
    public void A_downtime_across_DST_catches_up_the_run_in_local_time()
    {
        var berlin = Schedule(ScheduleKind.Daily, hour: 6, zone: "Europe/Berlin");

        // Down from the Saturday before the spring change to Monday noon: Monday 06:00 CEST (04:00Z) is the one run taken.
        Assert.Equal(Utc("2026-03-30T04:00:00"), berlin.LatestDue(Utc("2026-03-28T10:00:00"), Utc("2026-03-30T12:00:00")));
    }

    [Theory]
    [InlineData(ScheduleKind.Cron, "0 * * *", "UTC", "five fields")]
    [InlineData(ScheduleKind.Cron, "61 * * * *", "UTC", "is not a cron expression")]
    [InlineData(ScheduleKind.Cron, "0 0 * * *", "Mars/Olympus", "'Mars/Olympus' is not a time zone")]
    [InlineData(ScheduleKind.Daily, null, "UTC", "hours 0–23")]
    public void A_bad_schedule_is_refused_with_a_sentence(ScheduleKind kind, string? cron, string zone, string message)
    {
        Assert.Null(SnapshotSchedule.From(kind, 0, 24, DayOfWeek.Monday, cron, zone, out var error));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
