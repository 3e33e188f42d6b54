namespace ZfsPortal.Data;

/// <summary>Portal-wide settings that admins change at run time (one row).</summary>
public sealed class PortalSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    /// <summary>Quotas a new project starts with.</summary>
    public QuotaLimits DefaultQuotas { get; set; } = QuotaLimits.Defaults;
}
