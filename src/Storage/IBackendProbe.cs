namespace ZfsPortal.Storage;

/// <summary>
/// Checks a backend from the outside: the host key it presents, a full preflight before it is used, and the
/// recurring health check. Host-side problems never throw from <see cref="PreflightAsync"/> or
/// <see cref="CheckHealthAsync"/>; they are reported as failed checks or a Down report that say what to fix.
/// Only the caller's own cancellation throws (<see cref="OperationCanceledException"/>).
/// </summary>
public interface IBackendProbe
{
    /// <summary>
    /// Connects WITHOUT trusting the host (the handshake stops at the host key: no authentication, no command) and
    /// returns the key type and SHA-256 fingerprint the host presents, so an admin can compare and pin it.
    /// </summary>
    /// <exception cref="StorageHostException">
    /// <see cref="StorageFailure.Unreachable"/> when no host key could be read (nothing listens, time-out, not SSH);
    /// the message says what to check.
    /// </exception>
    Task<PresentedHostKey> FetchHostKeyAsync(BackendOptions backend, CancellationToken ct);

    /// <summary>
    /// Runs every preflight check in <see cref="PreflightStep"/> order over a fresh connection of its own (never the
    /// shared pool's, so it reflects the settings given; closed before returning) and reports each. A check that
    /// depends on a failed one is <see cref="CheckOutcome.Skipped"/>. Never throws for a host-side problem.
    /// </summary>
    Task<PreflightReport> PreflightAsync(BackendOptions backend, CancellationToken ct);

    /// <summary>
    /// The recurring health check: over the shared pool's kept-open connection (reconnecting once if it dropped),
    /// <c>sudo -n zfs get -H -p -o name,property,value available,used POOL…</c> for every pool in one command.
    /// Up only if all of that worked. Bounded by <c>ConnectTimeoutSeconds + min(CommandTimeoutSeconds, 10)</c>.
    /// Never throws for a host-side problem.
    /// </summary>
    Task<HealthReport> CheckHealthAsync(BackendOptions backend, CancellationToken ct);

    /// <summary>
    /// Reads <c>used</c> and <c>refquota</c> of the given datasets over the shared pool's kept-open connection, a few hundred
    /// per command. A dataset the host no longer has is left out; a host that fails part-way gives what was read before.
    /// Never throws for a host-side problem (the health check reports those).
    /// </summary>
    Task<IReadOnlyList<DatasetUsage>> ReadUsageAsync(BackendOptions backend, IReadOnlyList<string> datasets, CancellationToken ct);
}

/// <summary>A dataset's space as zfs reports it: bytes used, and its refquota (0 when it has none).</summary>
public sealed record DatasetUsage(string Dataset, long UsedBytes, long RefquotaBytes)
{
    /// <summary>The rows of <c>zfs get … used,refquota</c> that carry both numbers; anything else is left out.</summary>
    public static IReadOnlyList<DatasetUsage> Parse(string output)
    {
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> rows;
        try
        {
            rows = ZfsGetParser.Parse(output);
        }
        catch (FormatException)
        {
            return [];
        }

        var found = new List<DatasetUsage>();
        foreach (var (name, properties) in rows)
        {
            if (properties.TryGetValue("used", out var used) && long.TryParse(used, System.Globalization.CultureInfo.InvariantCulture, out var usedBytes)
                && properties.TryGetValue("refquota", out var refquota))
            {
                // "none" (or "-") is no refquota; -p prints 0 for it on both dialects.
                found.Add(new DatasetUsage(name, usedBytes, long.TryParse(refquota, System.Globalization.CultureInfo.InvariantCulture, out var q) ? q : 0));
            }
        }

        return found;
    }
}

/// <summary>
/// A host key as the host presented it: <paramref name="KeyType"/> as SSH names it (<c>ssh-ed25519</c>,
/// <c>ecdsa-sha2-nistp256</c>, <c>rsa-sha2-512</c>…) and the SHA-256 fingerprint as base64 without the
/// <c>SHA256:</c> prefix and without padding (what <see cref="BackendOptions.HostKeySha256"/> holds).
/// </summary>
public sealed record PresentedHostKey(string KeyType, string Sha256Fingerprint);

public enum CheckOutcome { Passed, Failed, Skipped }

/// <summary>The preflight checks, in the order they run.</summary>
public enum PreflightStep
{
    /// <summary>"Reachable": a TCP connection to Host:Port answered by an SSH server within ConnectTimeoutSeconds.</summary>
    Reachable,

    /// <summary>"Host key pinned and matching".</summary>
    HostKey,

    /// <summary>"Authenticated": key authentication as User with PrivateKeyPath.</summary>
    Authenticated,

    /// <summary>"sudo works without a tty": <c>sudo -n</c> runs zfs, zpool and exportfs.</summary>
    Sudo,

    /// <summary>"zfs found at &lt;ZfsPath&gt;" (<c>zfs version</c>).</summary>
    Zfs,

    /// <summary>"zpool found at &lt;ZpoolPath&gt;" (<c>zpool list -H -o name</c>).</summary>
    Zpool,

    /// <summary>"exportfs found at &lt;ExportfsPath&gt;" (<c>exportfs -v</c>).</summary>
    Exportfs,

    /// <summary>"Pools present": every configured pool answers <c>zfs get available,used</c>.</summary>
    Pools,

    /// <summary>"NFS helper works": the export table (and for sharenfs, the property) reads back.</summary>
    NfsHelper,

    /// <summary>"ZFS dialect": OpenZFS or zfs-fuse, from <c>zfs version</c>.</summary>
    Dialect,

    /// <summary>
    /// "Host guard": a <see cref="BackendOptions.GuardPath"/> is set, the guard refuses <c>zpool destroy</c> (of a pool no host
    /// has, so a missing guard does no harm) and lets the portal's own read of a dataset below the prefix through.
    /// </summary>
    Guard,
}

/// <summary>
/// One preflight check. <paramref name="Detail"/> says in plain words what was found; <paramref name="Fix"/> names
/// the exact remedy when the check failed (null otherwise).
/// </summary>
public sealed record PreflightCheck(PreflightStep Step, string Name, CheckOutcome Outcome, string Detail, string? Fix);

/// <summary>
/// Every check of one preflight, in <see cref="PreflightStep"/> order (always all eleven), and the dialect found
/// (<see cref="ZfsDialects.ZfsFuse"/> or <see cref="ZfsDialects.OpenZfs"/>, the values of
/// <see cref="BackendOptions.ZfsDialect"/>; null when it was not determined).
/// </summary>
public sealed record PreflightReport(IReadOnlyList<PreflightCheck> Checks, string? Dialect)
{
    public bool Passed => Checks.All(c => c.Outcome == CheckOutcome.Passed);

    /// <summary>Every host command the preflight ran (argv, exit code, duration, trimmed stderr), in order.</summary>
    public IReadOnlyList<HostCommandRecord> Commands { get; init; } = [];

    /// <summary>How long the whole preflight took.</summary>
    public TimeSpan Took { get; init; }

    public PreflightCheck this[PreflightStep step] => Checks.First(c => c.Step == step);
}

/// <summary>
/// One health check: <paramref name="Up"/> only if the connection, sudo and every pool's capacity read worked;
/// otherwise <paramref name="Problem"/> is a sentence that says what happened and what to do.
/// <paramref name="Pools"/> holds the pools that were read (all of them when Up).
/// </summary>
public sealed record HealthReport(bool Up, string? Problem, IReadOnlyList<PoolCapacity> Pools, TimeSpan Took);
