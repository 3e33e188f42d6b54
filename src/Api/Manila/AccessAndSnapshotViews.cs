using ZfsPortal.Data;
using ZfsPortal.Storage;

namespace ZfsPortal.Api.Manila;

/// <summary>Access rules (share_accesses.py) and snapshots (share_snapshots.py) as Manila shapes them, up to 2.72.</summary>
public static class AccessAndSnapshotViews
{
    public static Dictionary<string, object?> Rule(ManilaRequest request, AccessRule rule, Share share, bool withShareId)
    {
        var v = request.Version;
        var view = new Dictionary<string, object?>
        {
            ["id"] = rule.Id, ["access_level"] = rule.Level.ToManila(), ["access_to"] = rule.Target, ["access_type"] = rule.AccessType,
            ["state"] = rule.State.ToManila(),
        };
        if (withShareId) view["share_id"] = rule.ShareId;
        if (v.AtLeast(2, 21)) view["access_key"] = null;
        // Before 2.28 a rule showed its share's summary state; "new" while the share is syncing.
        if (!v.AtLeast(2, 28))
            view["state"] = share.AccessRulesStatus == AccessRulesStatus.Syncing ? "new" : share.AccessRulesStatus.ToManila();
        if (v.AtLeast(2, 33)) { view["created_at"] = ManilaRequest.Time(rule.CreatedAt); view["updated_at"] = ManilaRequest.Time(rule.UpdatedAt); }
        if (v.AtLeast(2, 45)) view["metadata"] = new Dictionary<string, string>();
        return view;
    }

    public static Dictionary<string, object?> SnapshotSummary(ManilaRequest request, Snapshot snapshot) => new()
    {
        ["id"] = snapshot.Id, ["name"] = snapshot.Name, ["links"] = request.Links("snapshots", snapshot.Id),
    };

    public static Dictionary<string, object?> Snapshot(ManilaRequest request, Snapshot snapshot)
    {
        var view = new Dictionary<string, object?>
        {
            ["id"] = snapshot.Id, ["share_id"] = snapshot.ShareId, ["share_size"] = snapshot.Share?.SizeGiB ?? snapshot.SizeGiB,
            ["created_at"] = ManilaRequest.Time(snapshot.CreatedAt), ["status"] = snapshot.Status.ToManila(), ["name"] = snapshot.Name,
            ["description"] = snapshot.Description, ["size"] = snapshot.SizeGiB, ["share_proto"] = snapshot.Share?.Protocol ?? "NFS",
            ["links"] = request.Links("snapshots", snapshot.Id),
        };
        if (request.Version.AtLeast(2, 12) && request.User.IsAdmin) view["provider_location"] = snapshot.ZfsName;
        if (request.Version.AtLeast(2, 17)) { view["user_id"] = snapshot.CreatedByUserId; view["project_id"] = snapshot.ProjectId; }
        return view;
    }
}
