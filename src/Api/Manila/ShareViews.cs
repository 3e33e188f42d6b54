using System.Security.Cryptography;
using System.Text;
using ZfsPortal.Data;

namespace ZfsPortal.Api.Manila;

/// <summary>Shares and their export locations as manila/api/views/shares.py and export_locations.py shape them, up to 2.72.</summary>
public static class ShareViews
{
    public const string AvailabilityZone = "zfsportal";

    public static Dictionary<string, object?> Summary(ManilaRequest request, Share share) => new()
    {
        ["id"] = share.Id, ["name"] = share.Name, ["links"] = request.Links("shares", share.Id),
    };

    public static Dictionary<string, object?> Detail(ManilaRequest request, Share share)
    {
        var v = request.Version;
        var type = share.ShareType;
        var view = new Dictionary<string, object?>
        {
            ["id"] = share.Id, ["size"] = share.SizeGiB, ["availability_zone"] = share.BackendName is null ? null : AvailabilityZone,
            ["created_at"] = ManilaRequest.Time(share.CreatedAt), ["status"] = share.Status.ToManila(), ["name"] = share.Name,
            ["description"] = share.Description, ["project_id"] = share.ProjectId, ["snapshot_id"] = share.SourceSnapshotId,
            ["share_network_id"] = null, ["share_proto"] = share.Protocol, ["metadata"] = new Dictionary<string, string>(),
            ["share_type"] = v.AtLeast(2, 6) ? share.ShareTypeId : type?.Name, ["volume_type"] = type?.Name,
            ["links"] = request.Links("shares", share.Id), ["is_public"] = false,
        };
        if (!v.AtLeast(2, 9))
        {
            var paths = ExportLocations(request, share).Select(e => e.Path).ToList();
            view["export_location"] = paths.FirstOrDefault();
            view["export_locations"] = paths;
        }
        if (v.AtLeast(2, 2)) view["snapshot_support"] = type?.SnapshotSupport;
        if (v.AtLeast(2, 5)) view["task_state"] = null;
        if (v.AtLeast(2, 6)) view["share_type_name"] = type?.Name;
        if (v.AtLeast(2, 10))
            view["access_rules_status"] = !v.AtLeast(2, 28) && share.AccessRulesStatus == AccessRulesStatus.Syncing
                ? "out_of_sync" : share.AccessRulesStatus.ToManila();
        if (v.AtLeast(2, 11)) { view["replication_type"] = null; view["has_replicas"] = false; }
        if (v.AtLeast(2, 16)) view["user_id"] = share.CreatedByUserId;
        if (v.AtLeast(2, 24)) view["create_share_from_snapshot_support"] = type?.CreateShareFromSnapshotSupport;
        if (v.AtLeast(2, 27)) view["revert_to_snapshot_support"] = false;
        if (v.AtLeast(2, 31)) { view["share_group_id"] = null; view["source_share_group_snapshot_member_id"] = null; }
        if (v.AtLeast(2, 32)) view["mount_snapshot_support"] = false;
        if (v.AtLeast(2, 54)) view["progress"] = share.Status == ShareStatus.Available ? "100%" : "0%";
        if (v.AtLeast(2, 69)) { view["is_soft_deleted"] = false; view["scheduled_to_be_deleted_at"] = null; }
        if (request.User.IsAdmin)
        {
            view["share_server_id"] = null;
            view["host"] = share.BackendName is null ? null : $"{AvailabilityZone}@{share.BackendName}#{share.Pool}";
        }
        return view;
    }

    public sealed record ExportLocation(Guid Id, string Path, bool Preferred, bool IsAdminOnly, Share Share);

    /// <summary>The tenant's location, and for admins the service IP's; ids are derived from the share, so they stay put.</summary>
    public static IReadOnlyList<ExportLocation> ExportLocations(ManilaRequest request, Share share)
    {
        var list = new List<ExportLocation>();
        if (share.ExportLocation is { } path)
            list.Add(new(StableId(share.Id, "export"), path, true, false, share));
        if (request.User.IsAdmin && share.ServiceExportLocation is { } service)
            list.Add(new(StableId(share.Id, "service"), service, false, true, share));
        return list;
    }

    public static Dictionary<string, object?> ExportLocationView(ManilaRequest request, ExportLocation location, bool detail)
    {
        var view = new Dictionary<string, object?> { ["id"] = location.Id, ["path"] = location.Path };
        if (request.Version.AtLeast(2, 14)) view["preferred"] = location.Preferred;
        if (request.User.IsAdmin)
        {
            view["share_instance_id"] = location.Share.Id;
            view["is_admin_only"] = location.IsAdminOnly;
        }
        if (detail)
        {
            view["created_at"] = ManilaRequest.Time(location.Share.CreatedAt);
            view["updated_at"] = ManilaRequest.Time(location.Share.UpdatedAt);
        }
        return view;
    }

    /// <summary>A name-based id (RFC 4122 version 5: SHA-1 of the owner and a label), the same every time it is asked for.</summary>
    public static Guid StableId(Guid owner, string label)
    {
#pragma warning disable CA5350 // an identifier, not a secret: version 5 ids are SHA-1 by definition
        var hash = SHA1.HashData(Encoding.UTF8.GetBytes($"{owner:N}/{label}"));
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
