using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Common;

/// <summary>Who asked for what: added to the same unit of work as the change it describes.</summary>
public static class AuditLog
{
    public static void Add(PortalDbContext db, DateTime at, CurrentUser user, string action, string target, Guid? projectId = null, string? detail = null) =>
        db.Audit.Add(new AuditEntry
        {
            At = at, UserId = user.UserId, UserName = user.Name, ByAdmin = user.IsAdmin, Action = action, Target = target,
            ProjectId = projectId, Detail = detail,
        });
}

public static class QueuedWorkAudit
{
    /// <summary>Records who asked for what, in the same transaction as the change itself.</summary>
    public static void Audit(this QueuedWork work, PortalDbContext db, CurrentUser user, string action, string target, Guid? projectId = null, string? detail = null) =>
        AuditLog.Add(db, work.Now, user, action, target, projectId, detail);
}
