namespace ZfsPortal.Data;

/// <summary>What a reconcile found on a host that differs from the portal's records (issue 11).</summary>
public enum DriftKind
{
    /// <summary>A share's dataset is not on the host: the share goes to error; nothing can bring the data back.</summary>
    DatasetGone,
    /// <summary>A snapshot record's ZFS snapshot is not on the host: the snapshot is marked error.</summary>
    SnapshotGone,
    /// <summary>The kernel's export table does not carry a share's rules (lost at a reboot or <c>exportfs -ra</c>, or edited).</summary>
    ExportsDiffer,
    /// <summary>The backend's exports file does not carry a share's rules, so a reboot would lose them.</summary>
    ExportsFileDiffers,
    /// <summary>The dataset's refquota is not the share's size.</summary>
    RefquotaDiffers,
    /// <summary>A dataset property the share type sets is missing or different.</summary>
    PropertyDiffers,
    /// <summary>A dataset below the backend's pools and prefix that no share owns: an admin may adopt it.</summary>
    UnownedDataset,
    /// <summary>A share in error whose dataset is on the host (a create that finished after the portal gave up).</summary>
    ErrorShareHasDataset,
    /// <summary>A pool the backend lists is not on the host.</summary>
    PoolMissing,
    /// <summary>A share's dataset is on the host but not mounted (the host's ZFS service restarted without mounting): mounted again.</summary>
    NotMounted,
    /// <summary>The root of one of the backend's pools is not mounted: reported; the first share mounted again mounts it first.</summary>
    PoolRootNotMounted,
}

/// <summary>One pass of the reconciler over a backend: when, how long, what it found and what it did (or, dry, would do).</summary>
public sealed class ReconcileRun
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string BackendName { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public int DurationMs { get; set; }
    /// <summary>Reported, repaired nothing.</summary>
    public bool DryRun { get; set; }
    /// <summary>"start", "backend up", "every N s", or the admin who asked.</summary>
    public string Trigger { get; set; } = "";
    public int Findings { get; set; }
    /// <summary>Repair operations queued (none on a dry run).</summary>
    public int Repairs { get; set; }
    /// <summary>Shares left alone because an operation was under way on them.</summary>
    public int Skipped { get; set; }
    /// <summary>The host commands the repairs run (a dry run's answer), one per line, as a person reads them.</summary>
    public string Commands { get; set; } = "";
    /// <summary>Why the pass could not compare at all (host unreachable, output unreadable); null when it did.</summary>
    public string? Failure { get; set; }
}

/// <summary>An open finding of the last reconcile of a backend; replaced by the next pass.</summary>
public sealed class DriftFinding
{
    public long Id { get; set; }
    public string BackendName { get; set; } = "";
    public DriftKind Kind { get; set; }
    public Guid? ShareId { get; set; }
    public Guid? SnapshotId { get; set; }
    public string? Dataset { get; set; }
    public string Message { get; set; } = "";
    /// <summary>An unowned dataset's refquota, or its usage when it has none: the size an adopt starts from.</summary>
    public long? SizeBytes { get; set; }
    public DateTime FirstFoundAt { get; set; }
    public DateTime LastFoundAt { get; set; }
}
