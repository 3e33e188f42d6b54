using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Projects;
using ZfsPortal.Provisioning;

namespace ZfsPortal.Features.Common;

/// <summary>Operations a decision queued; handed to workers only after the transaction commits.</summary>
public sealed class QueuedWork(DateTime now)
{
    private readonly List<Operation> _operations = [];
    private readonly HashSet<ShareChanged> _changed = [];

    public DateTime Now { get; } = now;
    public IReadOnlyList<Operation> Operations => _operations;
    public IReadOnlyCollection<ShareChanged> Changed => _changed;

    public Operation Queue(PortalDbContext db, OperationKind kind, Share share, CurrentUser user, int plannedSteps, Guid? snapshotId = null)
    {
        var operation = new Operation
        {
            Kind = kind, ProjectId = share.ProjectId, ShareId = share.Id, SnapshotId = snapshotId,
            RequestedByUserId = user.UserId, CreatedAt = Now, PlannedSteps = plannedSteps,
        };
        db.Operations.Add(operation);
        _operations.Add(operation);
        Touched(share);
        return operation;
    }

    public void Touched(Share share) => _changed.Add(new ShareChanged(share.Id, share.ProjectId));

    /// <summary>Records who asked for what, in the same transaction as the change itself.</summary>
    public void Audit(PortalDbContext db, CurrentUser user, string action, string target, Guid? projectId = null, string? detail = null) =>
        AuditLog.Add(db, Now, user, action, target, projectId, detail);
}

/// <summary>
/// How every user action is accepted: one IMMEDIATE transaction that validates, checks quota, moves the
/// resource to its transitional state and records the operation; then the jobs are queued and open
/// pages nudged. A decision that refuses changes nothing.
/// </summary>
public sealed class ShareActions(
    IDbContextFactory<PortalDbContext> dbFactory, IOperationScheduler scheduler, ShareEvents events, TimeProvider time)
{
    public const string NotFound = "This share does not exist, or it belongs to a project you are not a member of.";

    public async Task<CommandResult> RunAsync(
        Func<PortalDbContext, QueuedWork, Task<CommandResult>> decide, CancellationToken ct, string? onDuplicate = null)
    {
        // A reservation that lost a race to a concurrent one is decided again against the new usage.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryRunAsync(decide, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
            }
            catch (DbUpdateException ex) when (onDuplicate is not null && ex.InnerException is SqliteException { SqliteErrorCode: 19 })
            {
                return CommandResult.Refused(onDuplicate);
            }
        }
    }

    private async Task<CommandResult> TryRunAsync(Func<PortalDbContext, QueuedWork, Task<CommandResult>> decide, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // Microsoft.Data.Sqlite begins IMMEDIATE transactions: the checks and the writes hold the write lock together.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var work = new QueuedWork(time.GetUtcNow().UtcDateTime);
        var result = await decide(db, work);
        if (!result.Succeeded)
            return result;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        foreach (var operation in work.Operations)
            scheduler.Enqueue(operation.Id);
        foreach (var change in work.Changed)
            events.Publish(change);
        return result;
    }

    /// <summary>The share if the user may act on it and it is in one of <paramref name="allowed"/>; else why not.</summary>
    public static async Task<(Share? Share, string? Refusal)> LoadAsync(
        PortalDbContext db, CurrentUser user, Guid shareId, string doing, IReadOnlyCollection<ShareStatus> allowed, CancellationToken ct)
    {
        var share = await db.Shares.Visible(db, user).Include(s => s.ShareType).Include(s => s.Project)
            .SingleOrDefaultAsync(s => s.Id == shareId, ct);
        if (share is null)
            return (null, NotFound);
        if (!allowed.Contains(share.Status))
            return (null, WrongState(share.Status, doing, allowed));
        return (share, null);
    }

    public static string WrongState(ShareStatus status, string doing, IReadOnlyCollection<ShareStatus> allowed)
    {
        var states = string.Join(" or ", allowed.Select(s => s.ToManila()));
        return status.IsBusy()
            ? $"The share is {status.ToManila()}; {doing} can start once that has finished."
            : $"The share is {status.ToManila()}; {doing} is possible only when it is {states}.";
    }
}
