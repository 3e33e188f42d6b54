using ZfsPortal.Provisioning;
using ZfsPortal.Storage;

namespace ZfsPortal.Features.Shares;

/// <summary>The ZFS properties a new share's dataset is created with.</summary>
public static class DatasetProperties
{
    /// <summary>Properties the portal controls itself; creation options may not override them.</summary>
    public static readonly IReadOnlySet<string> Reserved =
        new HashSet<string>(["quota", "refquota", "sharenfs", "readonly", "mountpoint", .. HardenedProperties.Values.Keys], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Backend options first, then the share type's, then the size as <c>refquota</c> and <see cref="HardenedProperties"/>: a create,
    /// a share from a snapshot (clone, or copy then set) and an adopt all set them.
    /// </summary>
    public static Dictionary<string, string> ForNewShare(
        BackendOptions backend, IReadOnlyDictionary<string, string> shareTypeProperties, int sizeGiB)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in backend.DatasetCreationOptions.Concat(shareTypeProperties))
        {
            if (!Reserved.Contains(key))
                properties[key.ToLowerInvariant()] = value;
        }
        // refquota, not quota: snapshots do not eat into the size the client sees in df.
        properties["refquota"] = $"{sizeGiB}G";
        foreach (var (key, value) in HardenedProperties.Values)
            properties[key] = value;
        return properties;
    }

    public static long GiB(int sizeGiB) => sizeGiB * 1024L * 1024 * 1024;
}
