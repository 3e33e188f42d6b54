namespace ZfsPortal.Storage;

/// <summary>Which ZFS a host runs, where their commands differ (today: the syntax of <c>sharenfs</c>).</summary>
public enum ZfsDialect
{
    /// <summary>zfs-fuse 0.7 (pool v23): sharenfs is space-separated <c>client:options</c>, no IPv6.</summary>
    ZfsFuse,

    /// <summary>OpenZFS on Linux: sharenfs is <c>rw=host:host,ro=…,options</c>, options shared by all hosts.</summary>
    OpenZfs,
}

/// <summary>The names of <see cref="BackendOptions.ZfsDialect"/> and how the <c>zfs version</c> probe answers.</summary>
public static class ZfsDialects
{
    public const string Auto = "auto";
    public const string ZfsFuse = "zfs-fuse";
    public const string OpenZfs = "openzfs";

    public static IReadOnlyList<string> Names { get; } = [Auto, ZfsFuse, OpenZfs];

    /// <summary>The configured dialect, or null for <c>auto</c> (probe the host).</summary>
    public static ZfsDialect? FromOption(string option) => option switch
    {
        ZfsFuse => ZfsDialect.ZfsFuse,
        OpenZfs => ZfsDialect.OpenZfs,
        Auto => null,
        _ => throw new ArgumentException($"ZfsDialect must be one of {string.Join(", ", Names)} (was '{option}').", nameof(option)),
    };

    /// <summary>
    /// Reads the answer to <c>zfs version</c>: OpenZFS 0.8 and later print their version and exit 0; zfs-fuse
    /// says "unrecognized command 'version'" (checked on 0.7.0). Null when the answer is neither (sudo refused…).
    /// OpenZFS before 0.8 has no <c>version</c> either and would read as zfs-fuse: configure such hosts explicitly.
    /// </summary>
    public static ZfsDialect? FromVersionProbe(int exitCode, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (exitCode == 0)
        {
            return ZfsDialect.OpenZfs;
        }

        return stderr.Contains("unrecognized command", StringComparison.Ordinal) ? ZfsDialect.ZfsFuse : null;
    }
}
