namespace ZfsPortal.Data;

/// <summary>How a schedule is written; every kind becomes one cron expression (see <c>SnapshotSchedule</c>).</summary>
public enum ScheduleKind { Hourly, Daily, Weekly, Cron }

/// <summary>
/// A snapshot schedule with its retention: a share's own (<see cref="ShareId"/>) or the default an admin sets for a
/// share type (<see cref="ShareTypeId"/>), which a share of that type follows while it has none of its own.
/// </summary>
public sealed class SnapshotPolicy
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid? ShareId { get; set; }
    public Guid? ShareTypeId { get; set; }
    public ScheduleKind Kind { get; set; }

    /// <summary>Minute of the hour (hourly), or with <see cref="Hour"/> the time of day (daily, weekly).</summary>
    public int Minute { get; set; }
    public int Hour { get; set; }
    public DayOfWeek DayOfWeek { get; set; } = DayOfWeek.Sunday;

    /// <summary>For <see cref="ScheduleKind.Cron"/>: five fields, or six with seconds first.</summary>
    public string? CronExpression { get; set; }

    /// <summary>IANA time zone the times are read in (e.g. Europe/Berlin); DST follows it.</summary>
    public string TimeZoneId { get; set; } = "UTC";

    /// <summary>How many scheduled snapshots are kept; older ones are deleted. Snapshots taken by hand are never pruned.</summary>
    public int RetentionCount { get; set; } = 7;

    public string UpdatedByUserId { get; set; } = "";

    /// <summary>No run due before this time is taken: a new or changed schedule starts from now, not from the past.</summary>
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}

/// <summary>
/// Where one share's schedule stands: the last run claimed (the claim is a conditional write of this row inside the
/// run's accept transaction, so two portal processes never take the same run) and why the last run was skipped.
/// </summary>
public sealed class SnapshotScheduleState
{
    public Guid ShareId { get; set; }

    /// <summary>The scheduled time (UTC) of the last run claimed, taken or skipped.</summary>
    public DateTime LastRunFor { get; set; }

    /// <summary>Why that run took no snapshot (quota full…), in the words the share page shows; null when it took one.</summary>
    public string? SkipMessage { get; set; }
}
