namespace ZfsPortal.Storage;

/// <summary>
/// Writes a set of client rules as the dialect's <c>sharenfs</c> value. zfs-fuse: space-separated
/// <c>client:options</c> entries, each its own exportfs entry (checked on 0.7.0), IPv4 only since it splits
/// at the first colon. OpenZFS on Linux (lib/libshare nfs.c): <c>rw=H:H,ro=H,options</c>, hosts separated
/// by colons, IPv4 networks as <c>@net/len</c>, IPv6 as <c>[addr]</c> or <c>[addr]/len</c>, and the other
/// options (squash) shared by every host.
/// </summary>
public static class SharenfsValue
{
    public const string Off = "off";

    /// <summary>The value for <paramref name="clients"/>, <c>off</c> when there are none.</summary>
    /// <exception cref="NotSupportedException">The dialect cannot express the set; the message says why and what to do.</exception>
    public static string For(IReadOnlyList<NfsClientRule> clients, ZfsDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(clients);
        if (clients.Count == 0)
        {
            return Off;
        }

        var sorted = clients.OrderBy(c => c.Target.Canonical, StringComparer.Ordinal).ToList();
        return dialect == ZfsDialect.ZfsFuse ? ForZfsFuse(sorted) : ForOpenZfs(sorted);
    }

    private static string ForZfsFuse(List<NfsClientRule> clients)
    {
        if (clients.FirstOrDefault(c => c.Target.IsIPv6) is { } v6)
        {
            throw new NotSupportedException(
                $"zfs-fuse's sharenfs cannot export to the IPv6 client {v6.Target} (it splits clients at the first colon): " +
                "use the exportfs NFS helper for this backend, or IPv4 clients.");
        }

        return string.Join(' ', clients.Select(c => $"{c.Target.Canonical}:{NfsExportOptions.For(c)}"));
    }

    private static string ForOpenZfs(List<NfsClientRule> clients)
    {
        if (clients.Select(c => c.RootSquash).Distinct().Count() > 1)
        {
            throw new NotSupportedException(
                "OpenZFS's sharenfs applies one root squash setting to every client of a share, and these rules mix " +
                "root_squash and no_root_squash: make them agree, or use the exportfs NFS helper for this backend.");
        }

        var parts = new List<string>();
        foreach (var level in new[] { NfsAccessLevel.ReadWrite, NfsAccessLevel.ReadOnly })
        {
            var hosts = clients.Where(c => c.Level == level).Select(c => Host(c.Target)).ToList();
            if (hosts.Count > 0)
            {
                parts.Add($"{level.ToManila()}={string.Join(':', hosts)}");
            }
        }

        parts.Add(NfsExportOptions.Squash(clients[0]));
        parts.Add("sync");
        return string.Join(',', parts);
    }

    private static string Host(AccessTarget target) => (target.IsIPv6, target.IsNetwork) switch
    {
        (false, false) => target.Canonical,
        (false, true) => "@" + target.Canonical,
        (true, false) => $"[{target.Address}]",
        (true, true) => $"[{target.Address}]/{target.PrefixLength}",
    };
}
