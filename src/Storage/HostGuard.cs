namespace ZfsPortal.Storage;

/// <summary>
/// The portal's side of the host-side guard (<see cref="BackendOptions.GuardPath"/>, scripts/storage-host/zfsportal-guard):
/// how it says no, so a refusal reads as one and never as a zfs error.
/// </summary>
internal static class HostGuard
{
    /// <summary>The guard's exit code for "refused, nothing ran".</summary>
    public const int RefusedExitCode = 126;

    /// <summary>The start of the one line the guard writes to stderr when it refuses: "zfsportal-guard: refused: WHY".</summary>
    public const string RefusedMarker = "zfsportal-guard: refused: ";

    /// <summary>A pool name no host has: the preflight asks the guard to destroy it, which must be refused (and would fail harmlessly if not).</summary>
    public const string ProbePool = "zfsportal_guard_probe";

    /// <summary>A dataset name below the prefix that no share has: the preflight reads it, which the guard must let through.</summary>
    public const string ProbeDatasetSuffix = "guard_probe";

    /// <summary>Where to look for what the guard admits, in words for a fix.</summary>
    public static string ConfigWords(BackendOptions b) =>
        $"the config file named on the CONFIG line of {b.GuardPath} on the host (POOLS, DATASET_PREFIXES, MOUNT_ROOTS, ZFS, ZPOOL, EXPORTFS)";

    public static bool Refused(int exitCode, string stderr) =>
        exitCode == RefusedExitCode && stderr.Contains(RefusedMarker, StringComparison.Ordinal);

    /// <summary>Why the guard refused (its line after the marker, without a final period); empty when it did not.</summary>
    public static string Reason(string stderr)
    {
        var at = stderr.IndexOf(RefusedMarker, StringComparison.Ordinal);
        return at < 0 ? "" : stderr[(at + RefusedMarker.Length)..].Split('\n')[0].Trim().TrimEnd('.');
    }
}
