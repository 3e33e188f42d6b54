namespace ZfsPortal.Data;

public enum ApprovalPolicy { Never, Always, AboveSize }

/// <summary>A class of shares with Manila-style extra specs.</summary>
public sealed class ShareType
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public bool IsPublic { get; set; } = true;

    /// <summary>Projects a non-public type is offered to.</summary>
    public List<Guid> ProjectIds { get; set; } = [];

    /// <summary>A retired type is no longer offered; its shares keep working.</summary>
    public bool IsRetired { get; set; }
    public bool IsDefault { get; set; }
    public bool SnapshotSupport { get; set; } = true;
    public bool CreateShareFromSnapshotSupport { get; set; } = true;

    /// <summary>Shares from snapshots are clones (instant, pin their origin) rather than independent copies.</summary>
    public bool CloneFromSnapshot { get; set; }

    /// <summary>Only backends with this name serve the type; null means any.</summary>
    public string? BackendName { get; set; }

    public int MinSizeGiB { get; set; } = 1;
    public int MaxSizeGiB { get; set; } = 1000;
    public ApprovalPolicy Approval { get; set; } = ApprovalPolicy.Never;
    public int ApprovalAboveGiB { get; set; }

    /// <summary>ZFS dataset properties set on every share of this type (e.g. compression=lz4).</summary>
    public Dictionary<string, string> DatasetProperties { get; set; } = [];

    /// <summary>Which clients tenants may allow on this type's shares.</summary>
    public ExportPolicy ExportPolicy { get; set; } = ExportPolicy.Default;
}
