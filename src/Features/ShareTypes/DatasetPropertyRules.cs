using ZfsPortal.Features.Common;
using ZfsPortal.Storage;
using System.Text.RegularExpressions;

namespace ZfsPortal.Features.ShareTypes;

/// <summary>
/// The ZFS properties a share type may set, each with the values it accepts. Anything else is refused:
/// the portal controls quota, refquota, sharenfs, readonly and mountpoint itself, and other properties
/// could break it or the host.
/// </summary>
public static partial class DatasetPropertyRules
{
    private static bool IsOnOff(string value) => value is "on" or "off";

    private static readonly HashSet<string> RecordSizes =
        ["512", "1K", "2K", "4K", "8K", "16K", "32K", "64K", "128K", "256K", "512K", "1M"];

    private static readonly Dictionary<string, Func<string, bool>> Allowed = new(StringComparer.Ordinal)
    {
        ["compression"] = v => v is "on" or "off" or "lzjb" or "gzip" or "zle" or "lz4" or "zstd" || GzipLevel().IsMatch(v) || ZstdLevel().IsMatch(v),
        ["recordsize"] = v => RecordSizes.Contains(v),
        ["atime"] = IsOnOff,
        ["relatime"] = IsOnOff,
        ["dedup"] = v => v is "on" or "off" or "verify" or "sha256" or "sha256,verify",
        ["checksum"] = v => v is "on" or "off" or "fletcher2" or "fletcher4" or "sha256" or "sha512" or "skein" or "blake3",
        ["sync"] = v => v is "standard" or "always" or "disabled",
        ["logbias"] = v => v is "latency" or "throughput",
        ["primarycache"] = v => v is "all" or "none" or "metadata",
        ["secondarycache"] = v => v is "all" or "none" or "metadata",
        ["copies"] = v => v is "1" or "2" or "3",
        ["xattr"] = v => v is "on" or "off" or "sa" or "dir",
        ["acltype"] = v => v is "off" or "noacl" or "posix" or "posixacl" or "nfsv4",
        ["snapdir"] = v => v is "hidden" or "visible",
        ["exec"] = IsOnOff,
        // Only off: the portal keeps both off on every share (HardenedProperties), so "on" would be a promise it breaks.
        ["setuid"] = v => v is "off",
        ["devices"] = v => v is "off",
    };

    public static IReadOnlyCollection<string> Names => Allowed.Keys;

    /// <summary>Null when <paramref name="name"/>=<paramref name="value"/> may be set; otherwise why not and what to do.</summary>
    public static string? Refuse(string name, string value)
    {
        if (!Allowed.TryGetValue(name, out var accepts))
            return $"'{name}' is not a property share types may set; allowed: {string.Join(", ", Allowed.Keys.Order(StringComparer.Ordinal))}.";
        if (HardenedProperties.Values.TryGetValue(name, out var only) && value != only && IsOnOff(value))
            return $"The portal keeps {name}={only} on every share, so that a program or device file a tenant puts there never gives root on the host; share types cannot turn it on.";
        return accepts(value) ? null : $"'{value}' is not a valid value for {name}.";
    }

    /// <summary>Parses "key=value" pairs, one per line or separated by spaces, into properties, or an error.</summary>
    public static Dictionary<string, string>? Parse(string? text, out string? error)
    {
        if ((error = UserInput.TooLong(text, UserInput.MaxTextLength)) is not null)
            return null;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (text ?? "").Split(['\n', ' ', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                error = $"'{pair}' is not of the form property=value, like compression=lz4.";
                return null;
            }
            var name = parts[0].ToLowerInvariant();
            if (Refuse(name, parts[1]) is { } why)
            {
                error = why;
                return null;
            }
            properties[name] = parts[1];
        }
        return properties;
    }

    [GeneratedRegex("^gzip-[1-9]$")]
    private static partial Regex GzipLevel();

    [GeneratedRegex("^zstd-([1-9]|1[0-9])$")]
    private static partial Regex ZstdLevel();
}
