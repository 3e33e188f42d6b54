using System.Globalization;
using ZfsPortal.Data;
using ZfsPortal.Features.ShareTypes;

namespace ZfsPortal.Api.Manila;

/// <summary>
/// A share type's settings as Manila extra specs, and back. Manila's own keys where they exist
/// (<c>driver_handles_share_servers</c>, <c>snapshot_support</c>, <c>create_share_from_snapshot_support</c>,
/// <c>share_backend_name</c>, <c>provisioning:min_share_size</c>/<c>max_share_size</c>), the ZFSonLinux driver's
/// <c>zfsonlinux:&lt;property&gt;</c> for dataset properties, and <c>zfsportal:</c> keys for what only the portal has.
/// Other keys are refused: the portal could not honour them.
/// </summary>
public static class ShareTypeSpecs
{
    public const string Dhss = "driver_handles_share_servers", Snapshots = "snapshot_support", FromSnapshot = "create_share_from_snapshot_support",
        Backend = "share_backend_name", MinSize = "provisioning:min_share_size", MaxSize = "provisioning:max_share_size",
        Approval = "zfsportal:approval", Clone = "zfsportal:clone_from_snapshot", ZfsPrefix = "zfsonlinux:";

    private static readonly string[] TenantVisible = [Dhss, Snapshots, FromSnapshot];

    public static Dictionary<string, string> Of(ShareType type, bool admin)
    {
        var specs = new Dictionary<string, string>
        {
            [Dhss] = "False", [Snapshots] = Flag(type.SnapshotSupport), [FromSnapshot] = Flag(type.CreateShareFromSnapshotSupport),
            [MinSize] = Number(type.MinSizeGiB), [MaxSize] = Number(type.MaxSizeGiB), [Clone] = Flag(type.CloneFromSnapshot),
            [Approval] = type.Approval switch
            {
                ApprovalPolicy.Always => "always", ApprovalPolicy.AboveSize => Number(type.ApprovalAboveGiB), _ => "never",
            },
        };
        if (type.BackendName is { } backend)
            specs[Backend] = backend;
        foreach (var (key, value) in type.DatasetProperties)
            specs[ZfsPrefix + key] = value;
        return admin ? specs : specs.Where(s => TenantVisible.Contains(s.Key)).ToDictionary();
    }

    public static ShareTypeInput InputOf(ShareType type) => new(type.Name, type.Description, type.IsPublic, type.ProjectIds, type.SnapshotSupport,
        type.CreateShareFromSnapshotSupport, type.CloneFromSnapshot, type.BackendName, Number(type.MinSizeGiB), Number(type.MaxSizeGiB),
        type.Approval, Number(type.ApprovalAboveGiB), string.Join(' ', type.DatasetProperties.Select(p => $"{p.Key}={p.Value}")));

    /// <summary>The input with <paramref name="set"/> applied (a null value unsets the key); null with the reason when a key cannot be.</summary>
    public static ShareTypeInput? Apply(ShareTypeInput input, IReadOnlyDictionary<string, string?> set, out string? error)
    {
        error = null;
        var properties = (input.DatasetProperties ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
        foreach (var (key, value) in set)
        {
            switch (key)
            {
                case Dhss:
                    if (value is null || Bool(value) != false) { error = $"{Dhss} must be False: the portal does not manage share servers."; return null; }
                    break;
                case Snapshots: input = input with { SnapshotSupport = value is null || (Bool(value) ?? Fail(key, ref error)) }; break;
                case FromSnapshot: input = input with { CreateShareFromSnapshotSupport = value is null || (Bool(value) ?? Fail(key, ref error)) }; break;
                case Clone: input = input with { CloneFromSnapshot = value is not null && (Bool(value) ?? Fail(key, ref error)) }; break;
                case Backend: input = input with { BackendName = value }; break;
                case MinSize: input = input with { MinSizeGiB = value ?? "1" }; break;
                case MaxSize: input = input with { MaxSizeGiB = value ?? "1000" }; break;
                case Approval:
                    input = (value ?? "never").ToLowerInvariant() switch
                    {
                        "never" => input with { Approval = ApprovalPolicy.Never },
                        "always" => input with { Approval = ApprovalPolicy.Always },
                        var above => input with { Approval = ApprovalPolicy.AboveSize, ApprovalAboveGiB = above },
                    };
                    break;
                default:
                    if (key.StartsWith(ZfsPrefix, StringComparison.Ordinal) && key.Length > ZfsPrefix.Length)
                    {
                        if (value is null) properties.Remove(key[ZfsPrefix.Length..]);
                        else properties[key[ZfsPrefix.Length..]] = value;
                        break;
                    }
                    error = $"Extra spec '{(key.Length <= 60 ? key : key[..60])}' is not supported; the portal takes {Dhss}, {Snapshots}, {FromSnapshot}, "
                            + $"{Backend}, {MinSize}, {MaxSize}, {Approval}, {Clone} and {ZfsPrefix}<dataset property>.";
                    return null;
            }
            if (error is not null)
                return null;
        }
        return input with { DatasetProperties = string.Join(' ', properties.Select(p => $"{p.Key}={p.Value}")) };
    }

    private static bool Fail(string key, ref string? error)
    {
        error = $"Extra spec '{key}' takes True or False.";
        return false;
    }

    private static bool? Bool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "<is> true" => true, "false" or "<is> false" => false, _ => null,
    };

    private static string Flag(bool value) => value ? "True" : "False";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
