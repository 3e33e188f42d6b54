namespace ZfsPortal.Data;

/// <summary>Who asked for what, and when: every accepted user and admin action.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public string UserId { get; set; } = "";
    public string UserName { get; set; } = "";
    public bool ByAdmin { get; set; }

    /// <summary>A stable verb, e.g. <c>share.create</c>, <c>project.quotas.set</c>.</summary>
    public string Action { get; set; } = "";

    /// <summary>What it acted on, in words (e.g. "share zfsvol in demo").</summary>
    public string Target { get; set; } = "";

    public Guid? ProjectId { get; set; }
    public string? Detail { get; set; }
}
