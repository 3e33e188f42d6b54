namespace ZfsPortal.Features.Snapshots.Schedules;

/// <summary>Which scheduled snapshots a policy's retention lets go: all but the newest <c>keep</c>, by scheduled time.</summary>
public static class SnapshotRetention
{
    public static IReadOnlyList<Guid> ToPrune(IEnumerable<(Guid Id, DateTime ScheduledFor)> scheduled, int keep) =>
        [.. scheduled.OrderByDescending(s => s.ScheduledFor).Skip(Math.Max(keep, 1)).Select(s => s.Id)];
}
