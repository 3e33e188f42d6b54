namespace ZfsPortal.Data;

public sealed class Share
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ProjectId { get; set; }
    public Project? Project { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public Guid ShareTypeId { get; set; }
    public ShareType? ShareType { get; set; }
    public string Protocol { get; set; } = "NFS";
    public int SizeGiB { get; set; }

    /// <summary>The size an extend or shrink is moving to; the extra is reserved against the quota meanwhile.</summary>
    public int? PendingSizeGiB { get; set; }

    public ShareStatus Status { get; set; }
    public AccessRulesStatus AccessRulesStatus { get; set; } = AccessRulesStatus.Active;

    /// <summary>The snapshot this share was created from, if any.</summary>
    public Guid? SourceSnapshotId { get; set; }

    /// <summary>Made as a ZFS clone of that snapshot, which then cannot be deleted before this share.</summary>
    public bool IsCloneOfSource { get; set; }

    /// <summary>Why the share is in its state, in plain words (failures say what to do).</summary>
    public string? StatusMessage { get; set; }

    /// <summary>Placement; set (and saved) before the dataset is created so a resumed job reuses it.</summary>
    public string? BackendName { get; set; }
    public string? Pool { get; set; }
    public string? Dataset { get; set; }

    /// <summary>Where the host mounts the dataset, read once after it is made; later steps use it instead of asking again.</summary>
    public string? Mountpoint { get; set; }

    public string? ExportLocation { get; set; }
    public string? ServiceExportLocation { get; set; }

    public string CreatedByUserId { get; set; } = "";
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;
}
