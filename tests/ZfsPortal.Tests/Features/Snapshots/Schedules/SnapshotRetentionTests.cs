using ZfsPortal.Features.Snapshots.Schedules;

namespace ZfsPortal.Tests.Features.Snapshots.Schedules;

public sealed class SnapshotRetentionTests
{
    private static readonly DateTime T0 = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void All_but_the_newest_kept_are_pruned_whatever_order_they_come_in()
    {
        var snapshots = Enumerable.Range(0, 5).Select(i => (Id: Guid.NewGuid(), At: T0.AddHours(i))).ToList();
        var shuffled = new[] { snapshots[3], snapshots[0], snapshots[4], snapshots[1], snapshots[2] };

        var pruned = SnapshotRetention.ToPrune(shuffled, keep: 3);

        Assert.Equal([snapshots[1].Id, snapshots[0].Id], pruned);
    }

    [Fact]
    public void Nothing_is_pruned_within_the_retention_and_at_least_one_is_always_kept()
    {
        var two = new[] { (Guid.NewGuid(), T0), (Guid.NewGuid(), T0.AddDays(1)) };

        Assert.Empty(SnapshotRetention.ToPrune(two, keep: 2));
        Assert.Equal([two[0].Item1], SnapshotRetention.ToPrune(two, keep: 0));
    }
}
