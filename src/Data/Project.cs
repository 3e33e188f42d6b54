namespace ZfsPortal.Data;

public sealed class Project
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public QuotaLimits Quotas { get; set; } = QuotaLimits.Defaults;

    /// <summary>
    /// Changed by every request that reserves quota, so two concurrent reservations in one project
    /// conflict at SaveChanges instead of both passing the check.
    /// </summary>
    public Guid QuotaStamp { get; set; } = Guid.NewGuid();

    /// <summary>
    /// Narrows the share types' export policies for this project's shares: a rule must pass both. Null: the types' alone.
    /// </summary>
    public ExportPolicy? ExportPolicy { get; set; }

    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public List<ProjectMember> Members { get; set; } = [];
}

public sealed class ProjectMember
{
    public Guid ProjectId { get; set; }
    public string UserId { get; set; } = "";
}

/// <summary>Manila's project quotas; -1 means unlimited.</summary>
public sealed record QuotaLimits
{
    public const int Unlimited = -1;

    public int Shares { get; init; }
    public int Gigabytes { get; init; }
    public int Snapshots { get; init; }
    public int SnapshotGigabytes { get; init; }
    public int PerShareGigabytes { get; init; }

    public static QuotaLimits Defaults => new()
    {
        Shares = 50, Gigabytes = 1000, Snapshots = 50, SnapshotGigabytes = 1000, PerShareGigabytes = Unlimited,
    };
}
