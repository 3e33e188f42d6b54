using Microsoft.EntityFrameworkCore;
using ZfsPortal.Data;
using ZfsPortal.Features.Account;
using ZfsPortal.Features.Common;
using ZfsPortal.Features.Projects;

namespace ZfsPortal.Features.Shares;

/// <summary>What every accept step on an existing share starts with: the share, if the user may act on it now.</summary>
public static class ShareActions
{
    public const string NotFound = "This share does not exist, or it belongs to a project you are not a member of.";

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

    /// <summary>A <see cref="LoadAsync"/> refusal as a result: the share is absent (to this user) or in the wrong state.</summary>
    public static CommandResult Refused(string refusal) =>
        CommandResult.Refused(refusal == NotFound ? RefusalKind.NotFound : RefusalKind.Conflict, refusal);

    public static string WrongState(ShareStatus status, string doing, IReadOnlyCollection<ShareStatus> allowed)
    {
        var states = string.Join(" or ", allowed.Select(s => s.ToManila()));
        return status.IsBusy()
            ? $"The share is {status.ToManila()}; {doing} can start once that has finished."
            : $"The share is {status.ToManila()}; {doing} is possible only when it is {states}.";
    }
}
