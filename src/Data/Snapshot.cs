namespace ZfsPortal.Data;

public enum SnapshotStatus { Creating, Available, Deleting, Error, ErrorDeleting }

public sealed class Snapshot
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ShareId { get; set; }
    public Share? Share { get; set; }
    public Guid ProjectId { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";

    /// <summary>The share's size when taken; what the project's snapshot_gigabytes quota is charged (as in Manila).</summary>
    public int SizeGiB { get; set; }

    public SnapshotStatus Status { get; set; }
    public string? StatusMessage { get; set; }

    /// <summary>Full ZFS name (<c>dataset@prefix+id</c>), fixed when the snapshot is requested.</summary>
    public string ZfsName { get; set; } = "";

    /// <summary>Space the snapshot holds on the host (zfs <c>used</c>), read after creation.</summary>
    public long? UsedBytes { get; set; }

    /// <summary>Taken by a snapshot policy for this scheduled time (UTC); null for a snapshot taken by hand.</summary>
    public DateTime? ScheduledFor { get; set; }

    public string CreatedByUserId { get; set; } = "";
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}

public static class SnapshotStatusNames
{
    public static string ToManila(this SnapshotStatus status) => status switch
    {
        SnapshotStatus.ErrorDeleting => "error_deleting",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static bool IsBusy(this SnapshotStatus status) => status is SnapshotStatus.Creating or SnapshotStatus.Deleting;
}
