using System.Collections.Concurrent;

namespace ZfsPortal.Storage;

/// <summary>
/// Per ZFS host (address and port), how many commands that mount or unmount may run at once, whichever
/// portal worker sends them. zfs-fuse 0.7 deadlocked for good under concurrent mounting commands: eight
/// unmounts at once, sixteen creates at once, and once (in a hundred) eight creates at once; every later zfs
/// command then hangs until the daemon is restarted. Four at once, and one destroy at a time, keep well below
/// what was seen to fail; on two cores the host is CPU-bound well before four creates at once anyway.
/// </summary>
internal sealed class HostGates
{
    public const int MountingCommandsAtOnce = 4;

    private static readonly ConcurrentDictionary<string, HostGates> ByHost = new(StringComparer.Ordinal);

    /// <summary>Unmount-and-destroy, one at a time (a destroy also takes a mount slot).</summary>
    public SemaphoreSlim Destroys { get; } = new(1, 1);

    /// <summary>
    /// <c>exportfs -o</c> and <c>-u</c>, one at a time: each reads, changes and rewrites the whole export table, so two at once can lose
    /// one's change (seen in the reconciler's drill: an entry exportfs reported added was missing at the check). The host's guard
    /// takes a lock of its own too, for other portals on the same host.
    /// </summary>
    public SemaphoreSlim ExportTable { get; } = new(1, 1);

    /// <summary>Looking at a pool's root and mounting it before a share below it is mounted again (<see cref="IHostMounts"/>), one at a time.</summary>
    public SemaphoreSlim PoolRoots { get; } = new(1, 1);

    /// <summary>zfs create, receive, clone, mount, unmount.</summary>
    public SemaphoreSlim Mounts { get; } = new(MountingCommandsAtOnce, MountingCommandsAtOnce);

    public static HostGates For(BackendOptions backend) => ByHost.GetOrAdd($"{backend.Host}:{backend.Port}", _ => new HostGates());

    public static async Task<T> ThroughAsync<T>(SemaphoreSlim gate, Func<Task<T>> run, CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await run().ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }
}
